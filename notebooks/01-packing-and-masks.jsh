//% cell: Setup — the MiniLM vocabulary and tokenizer (the model's own files, unpacked from its Maven jar)
import dev.packbert.model.*;
import dev.packbert.text.*;
import dev.packbert.pack.*;
import dev.packbert.mask.*;
import java.nio.file.*;
import java.util.*;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;

Path modelDir = ModelRegistry.resolve("all-minilm-l6-v2");
ModelVocabulary mv = ModelVocabulary.read(modelDir);
BertTokenizer tok = new BertTokenizer(Vocabulary.of(mv.tokens()), mv.lowerCase());
Path out = Path.of(System.getProperty("notebook.output.dir"));
System.out.println("vocabulary: " + mv.tokens().size() + " tokens, lower case: " + mv.lowerCase());

//% cell: Real text — the 24 europarl sample lines, cut into sentences at . ! ? (a naive split; the job uses Spark NLP)
List<String> texts = Files.readAllLines(Path.of(System.getProperty("packbert.project.dir"),
    "src/main/resources/sample/europarl-en-24.txt")).stream().filter(s -> !s.isBlank())
    .flatMap(s -> Arrays.stream(s.split("(?<=[.!?])\\s+"))).filter(s -> !s.isBlank()).toList();
List<SentencePiece> pieces = new ArrayList<>();
for (int i = 0; i < texts.size(); i++) {
  int[] ids = tok.encode(texts.get(i));
  if (ids.length > 128) ids = Arrays.copyOf(ids, 128);   // the job would truncate or split; here we cut
  pieces.add(SentencePiece.whole("doc" + i, 0, 0, texts.get(i).length(), texts.get(i), ids));
}
int[] lengths = pieces.stream().mapToInt(SentencePiece::length).toArray();
System.out.println(texts.size() + " units, token lengths: " + Arrays.toString(lengths));

//% cell: Padding saved — one unit per row (padded to 128) versus SPFHP packing into rows of 128
int real = Arrays.stream(lengths).sum();
List<int[]> rows = PackingAlgorithm.SPFHP.pack(lengths, 128, 64);
int unpaddedSlots = lengths.length * 128;
int packedSlots = rows.size() * 128;
System.out.printf("real tokens %d%n", real);
System.out.printf("one per row : %d rows, %d slots, efficiency %.1f %%%n", lengths.length, unpaddedSlots, 100.0 * real / unpaddedSlots);
System.out.printf("SPFHP packed: %d rows, %d slots, efficiency %.1f %%%n", rows.size(), packedSlots, 100.0 * real / packedSlots);
System.out.printf("padding tokens saved: %d (%.1f× fewer token slots)%n", unpaddedSlots - packedSlots, (double) unpaddedSlots / packedSlots);

//% cell: One packed row — segment ids (1..n, 0 = padding) and restarted position ids
int[] best = rows.stream().max(Comparator.comparingInt(r -> r.length)).get();
List<SentencePiece> inRow = new ArrayList<>();
for (int i : best) inRow.add(pieces.get(i));
PackedRow row = PackedRowBuilder.build(inRow, 128);
System.out.println("units in this row: " + best.length);
System.out.println("segment ids : " + Arrays.toString(row.segmentIds()));
System.out.println("position ids: " + Arrays.toString(row.positionIds()));

//% cell: Its block-diagonal attention mask as a picture (notebooks/output/packed-row-mask.png)
byte[][] mask = BlockDiagonalMask.of(row.segmentIds());
int n = mask.length, scale = 4;
BufferedImage img = new BufferedImage(n * scale, n * scale, BufferedImage.TYPE_INT_RGB);
int[] palette = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f};
for (int i = 0; i < n; i++)
  for (int j = 0; j < n; j++) {
    int seg = row.segmentIds()[i];
    int rgb = mask[i][j] == 1 ? palette[(seg - 1) % palette.length] : (seg == 0 || row.segmentIds()[j] == 0 ? 0xeeeeee : 0xffffff);
    for (int a = 0; a < scale; a++) for (int b = 0; b < scale; b++) img.setRGB(j * scale + b, i * scale + a, rgb);
  }
Files.createDirectories(out);
ImageIO.write(img, "png", out.resolve("packed-row-mask.png").toFile());
long attended = 0; for (byte[] r : mask) for (byte v : r) attended += v;
System.out.printf("mask %d×%d: %d attended pairs of %d (%.1f %%); each block is one unit attending only to itself%n",
    n, n, attended, (long) n * n, 100.0 * attended / ((long) n * n));
System.out.println("wrote " + out.resolve("packed-row-mask.png").getFileName());
