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
        List.of(
            "packbert-stage-lpfhp-128-tensorflow",
            "packbert-stage-bf16-lpfhp-128-tensorflow",
            "packbert-stage-int8-lpfhp-128-onnxruntime"),
        withBf16);
    assertEquals(
        List.of("packbert-stage-lpfhp-128-tensorflow", "packbert-stage-int8-lpfhp-128-onnxruntime"),
        names(PeerSetting.grid(2, "tensorflow", false, "packbert")));
    // each opt-in precision runs on an engine that has it: bf16 on TensorFlow, int8 on ONNX Runtime
    assertEquals(
        List.of(
            "packbert-stage-lpfhp-128-onnxruntime",
            "packbert-stage-bf16-lpfhp-128-tensorflow",
            "packbert-stage-int8-lpfhp-128-onnxruntime"),
        names(PeerSetting.grid(2, "onnxruntime", true, "packbert")));
  }

  /** One PackBERT row per precision the product has, each on an engine that runs it. */
  @Test
  void everyPrecisionOfTheProductIsAStageRowOnAnEngineThatRunsIt() {
    List<PeerSetting> stage =
        PeerSetting.grid(2, "tensorflow", true, true, "packbert").stream()
            .filter(p -> p.peer() == PeerSetting.Peer.PACKBERT_STAGE)
            .toList();
    assertEquals(
        java.util.Arrays.stream(dev.packbert.model.Precision.values())
            .map(dev.packbert.model.Precision::label)
            .toList(),
        stage.stream().map(PeerSetting::precision).toList());
    for (PeerSetting p : stage) {
      dev.packbert.model.Precision.parse(p.precision())
          .requireEngine(dev.packbert.model.EngineKind.parse(p.engine()));
    }
  }

  @Test
  void theQuantizedCopyIsARowOnlyWhereTheModelHasOne() {
    assertEquals(
        List.of("ort-mappartitions-sorted-intra1-batch32"),
        names(PeerSetting.grid(2, "tensorflow", true, false, "ort")));
    assertEquals(
        List.of(
            "ort-mappartitions-sorted-intra1-batch32",
            "ort-mappartitions-sorted-quantized-intra1-batch32"),
        names(PeerSetting.grid(2, "tensorflow", true, true, "ort")));
    assertTrue(QuantizedCopies.has("all-minilm-l6-v2"));
    assertTrue(QuantizedCopies.has("bge-small-en-v1.5"));
    assertFalse(QuantizedCopies.has("e5-small-v2"));
  }

  @Test
  void onlyTheLowPrecisionRowsAreOptInAndTheDefaultsAreMarkedOncePerPeer() {
    List<PeerSetting> all = PeerSetting.grid(2, "tensorflow", true, "all");
    assertEquals(
        List.of("bf16", "int8"),
        all.stream().filter(PeerSetting::optInPrecision).map(PeerSetting::precision).toList());
    assertTrue(all.stream().filter(PeerSetting::optInPrecision).noneMatch(PeerSetting::defaults));
    assertFalse(all.get(0).optInPrecision());
    assertEquals(
        3, all.stream().filter(PeerSetting::defaults).count(), "PackBERT, BertEmbeddings, E5");
  }

  private static List<String> names(List<PeerSetting> s) {
    return s.stream().map(PeerSetting::name).toList();
  }
}
