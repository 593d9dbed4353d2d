package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerSettingTest {
  @Test
  void theBf16StageIsOneMoreRowOnlyWhereTheCpuRunsBf16AndTheEngineIsTensorFlow() {
    List<String> withBf16 = names(PeerSetting.grid(2, "tensorflow", true, "packbert"));
    assertEquals(
        List.of("packbert-stage-lpfhp-128-tensorflow", "packbert-stage-bf16-lpfhp-128-tensorflow"),
        withBf16);
    assertEquals(
        List.of("packbert-stage-lpfhp-128-tensorflow"),
        names(PeerSetting.grid(2, "tensorflow", false, "packbert")));
    assertEquals(
        List.of("packbert-stage-lpfhp-128-onnxruntime"),
        names(PeerSetting.grid(2, "onnxruntime", true, "packbert")));
  }

  @Test
  void onlyTheBf16RowIsOptInAndTheDefaultsAreMarkedOncePerPeer() {
    List<PeerSetting> all = PeerSetting.grid(2, "tensorflow", true, "all");
    assertEquals(1, all.stream().filter(PeerSetting::optInPrecision).count());
    assertTrue(all.stream().filter(PeerSetting::optInPrecision).noneMatch(PeerSetting::defaults));
    assertFalse(all.get(0).optInPrecision());
    assertEquals(
        3, all.stream().filter(PeerSetting::defaults).count(), "PackBERT, BertEmbeddings, E5");
  }

  private static List<String> names(List<PeerSetting> s) {
    return s.stream().map(PeerSetting::name).toList();
  }
}
