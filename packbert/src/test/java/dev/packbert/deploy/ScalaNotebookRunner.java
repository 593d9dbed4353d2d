package dev.packbert.deploy;

import java.io.BufferedReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.repl.Main$;
import org.apache.spark.repl.SparkILoop;
import org.apache.spark.sql.SparkSession;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;

/**
 * Spark's own Scala REPL ({@link SparkILoop}, what {@code spark-shell} runs) set up the way a
 * Databricks notebook sees it: {@code spark} (local[2]) and {@code sc} bound by the REPL's own
 * initialisation, plus stand-ins for {@code display} and {@code displayHTML}. Cells are interpreted
 * one at a time; what each prints and displays is returned as its outputs.
 *
 * <p>The REPL compiles every cell into {@code classesDir}, and the SparkSession serves that
 * directory to its executors ({@code spark.repl.class.outputDir}), so closures and UDFs defined in
 * a cell run in tasks as they do in spark-shell.
 */
final class ScalaNotebookRunner implements AutoCloseable {
  /** Defines what a Databricks notebook has and spark-shell lacks. */
  static final String PRELUDE =
      """
      def display(data: org.apache.spark.sql.Dataset[_]): Unit = dev.packbert.deploy.NotebookDisplay.table(data.toDF)
      def displayHTML(html: String): Unit = dev.packbert.deploy.NotebookDisplay.html(html)
      """;

  private final SparkSession spark;
  private final SparkILoop loop;
  private final StringWriter log = new StringWriter();

  ScalaNotebookRunner(Path classesDir, String appName) throws Exception {
    Files.createDirectories(classesDir);
    spark = session(classesDir, appName);
    Main$.MODULE$.sparkSession_$eq(spark);
    Main$.MODULE$.sparkContext_$eq(spark.sparkContext());
    Settings settings = new Settings();
    settings.processArgumentString(
        "-usejavacp -Yrepl-class-based -Yrepl-outdir " + classesDir.toAbsolutePath());
    loop = new SparkILoop(scala.Option.<BufferedReader>empty(), new PrintWriter(log, true));
    loop.settings_$eq(settings);
    loop.createInterpreter();
    loop.intp().initializeSynchronous();
    // spark-shell's own initialisation: binds spark and sc, imports spark.implicits._ and
    // functions._
    run(
        () -> {
          loop.initializeSpark();
          return null;
        });
    interpret("(prelude)", PRELUDE);
  }

  /**
   * A fresh local[2] session that serves the REPL's classes. getOrCreate would hand back a session
   * left running in this JVM, without the class directory, and cells' closures would then fail in
   * tasks: such a session is stopped first.
   */
  private static SparkSession session(Path classesDir, String appName) {
    scala.Option<SparkSession> left =
        SparkSession.getActiveSession().orElse(() -> SparkSession.getDefaultSession());
    if (left.isDefined()) {
      left.get().stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
    SparkSession s =
        SparkSession.builder()
            .master("local[2]")
            .appName(appName)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.repl.class.outputDir", classesDir.toString())
            .getOrCreate();
    if (!classesDir
        .toString()
        .equals(s.sparkContext().getConf().get("spark.repl.class.outputDir", ""))) {
      throw new IllegalStateException(
          "a SparkContext without the REPL's class directory is still running in this JVM");
    }
    return s;
  }

  /**
   * Interprets one cell; throws AssertionError with the REPL's messages if it does not compile or
   * throws.
   */
  List<NotebookDisplay.Output> interpret(String what, String code) {
    IMain intp = loop.intp();
    Object result = run(() -> intp.interpret(code));
    if (!"Success".equals(String.valueOf(result))) {
      throw new AssertionError(
          what
              + ": "
              + result
              + (result.toString().equals("Incomplete") ? " (unclosed input)" : "")
              + "\n--- REPL says ---\n"
              + lastLog());
    }
    return NotebookDisplay.end();
  }

  private int logMark;

  /**
   * What the REPL said since the cell started, long lines (a vocabulary in a serialisation trace)
   * cut.
   */
  private String lastLog() {
    StringBuilder sb = new StringBuilder();
    for (String line : log.toString().substring(logMark).lines().toList()) {
      sb.append(line.length() > 400 ? line.substring(0, 400) + " [...]" : line).append('\n');
      if (sb.length() > 20_000) {
        return sb.append("[...]\n").toString();
      }
    }
    return sb.toString();
  }

  private Object run(java.util.function.Supplier<Object> body) {
    logMark = log.getBuffer().length();
    NotebookDisplay.begin();
    PrintStream realOut = System.out;
    System.setOut(NotebookDisplay.CAPTURE);
    try {
      scala.Function0<Object> f = body::get;
      return scala.Console$.MODULE$.withOut(NotebookDisplay.CAPTURE, f);
    } finally {
      System.setOut(realOut);
    }
  }

  /** The REPL's own messages (echoed definitions, warnings) of the last cell, for the test log. */
  String messages() {
    return lastLog();
  }

  @Override
  public void close() {
    try {
      loop.closeInterpreter();
    } finally {
      spark.stop();
      Main$.MODULE$.sparkSession_$eq(null);
      Main$.MODULE$.sparkContext_$eq(null);
    }
  }
}
