//% cell: Run the job (as a Databricks notebook would call the jar's main class; here on local[1])
import dev.packbert.job.PackBertCli;
import com.fasterxml.jackson.databind.*;
import java.nio.file.*;
import java.util.*;

Path project = Path.of(System.getProperty("packbert.project.dir"));
Path outDir = Path.of(System.getProperty("notebook.work.dir"), "embeddings");
int rc = PackBertCli.execute("embed", "--input", project.resolve("src/main/resources/sample/europarl-en-24.txt").toString(),
    "--output", outDir.toString(), "--model", "all-minilm-l6-v2", "--output-format", "json",
    "--pooling", "mean", "--master", "local[1]");
if (rc != 0) throw new IllegalStateException("packbert exit code " + rc);
System.out.println("exit code " + rc);

//% cell: The run's summary
ObjectMapper om = new ObjectMapper();
JsonNode summary = om.readTree(outDir.resolve("_packbert_summary.json").toFile());
for (String k : List.of("input_rows", "sentences", "tokens", "packed_rows", "padding_efficiency", "model"))
  System.out.println(k + " = " + summary.get(k));

//% cell: Load the sentence vectors (one JSON line per sentence)
List<String> text = new ArrayList<>();
List<float[]> vec = new ArrayList<>();
try (var parts = Files.list(outDir.resolve("sentences"))) {
  for (Path p : parts.filter(f -> f.toString().endsWith(".json")).sorted().toList())
    for (String line : Files.readAllLines(p)) {
      JsonNode r = om.readTree(line);
      text.add(r.get("text").asText());
      float[] v = new float[r.get("mean").size()];
      for (int i = 0; i < v.length; i++) v[i] = (float) r.get("mean").get(i).asDouble();
      vec.add(v);
    }
}
System.out.println(text.size() + " sentences, dimension " + vec.get(0).length);

//% cell: Nearest sentences by cosine similarity
double cos(float[] a, float[] b) { double d = 0, x = 0, y = 0; for (int i = 0; i < a.length; i++) { d += a[i] * b[i]; x += a[i] * a[i]; y += b[i] * b[i]; } return d / Math.sqrt(x * y); }
String cut(String s) { return s.length() > 90 ? s.substring(0, 87) + "..." : s; }
for (int q : new int[] {0, text.size() / 2, text.size() - 1}) {
  final int qq = q;
  System.out.println("\nquery: " + cut(text.get(q)));
  java.util.stream.IntStream.range(0, text.size()).filter(i -> i != qq).boxed()
      .sorted(Comparator.comparingDouble(i -> -cos(vec.get(qq), vec.get(i)))).limit(3)
      .forEach(i -> System.out.printf("  %.3f  %s%n", cos(vec.get(qq), vec.get(i)), cut(text.get(i))));
}
