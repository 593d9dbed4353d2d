#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1: one master and two workers (1 core, 4 GB each), run from the
# Maven-resolved Spark 3.5.9 jars (no Spark distribution can be downloaded here).
#   deploy/local-cluster.sh start   # builds RUN_DIR/spark-home (jars/ + RELEASE), starts the daemons,
#                                   # prints the master URL as its LAST line
#   deploy/local-cluster.sh stop    # stops the daemons whose pids are in RUN_DIR
# Env: PACKBERT_CLUSTER_DIR (run dir, default target/local-cluster), WORKERS (2), WORKER_CORES (1),
#      WORKER_MEMORY (4g). Ports are chosen free at start, so several clusters can coexist on one host.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${PACKBERT_CLUSTER_DIR:-$ROOT/target/local-cluster}"
WORKERS="${WORKERS:-2}"
WORKER_CORES="${WORKER_CORES:-1}"
WORKER_MEMORY="${WORKER_MEMORY:-4g}"
source "$ROOT/deploy/spark-env.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for_log() { # file pattern seconds
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "local-cluster: timed out waiting for '$2' in $1" >&2
  tail -20 "$1" >&2 || true
  return 1
}

start() {
  if [[ -f "$RUN/master.pid" ]] && kill -0 "$(cat "$RUN/master.pid")" 2>/dev/null; then
    echo "local-cluster: already running (stop it first)" >&2
    cat "$RUN/master.url"
    return 0
  fi
  mkdir -p "$RUN/logs" "$RUN/events"
  local home
  home="$(packbert_spark_home)"   # builds target/spark-home from deploy/spark-home/pom.xml if needed
  local mport wport
  mport="$(free_port)"
  wport="$(free_port)"
  local java_opts=(-Xmx512m "${PACKBERT_OPENS[@]}" -Dspark.ui.showConsoleProgress=false)
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12 SPARK_LOG_DIR="$RUN/logs"
  java "${java_opts[@]}" -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$mport" --webui-port "$wport" >"$RUN/logs/master.out" 2>&1 &
  echo $! >"$RUN/master.pid"
  wait_for_log "$RUN/logs/master.out" "I have been elected leader" 60
  local url="spark://127.0.0.1:$mport"
  echo "$url" >"$RUN/master.url"
  echo "http://127.0.0.1:$wport" >"$RUN/master.webui"
  local i
  for ((i = 1; i <= WORKERS; i++)); do
    mkdir -p "$RUN/work-$i"
    java "${java_opts[@]}" -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --webui-port "$(free_port)" \
      --work-dir "$RUN/work-$i" "$url" >"$RUN/logs/worker-$i.out" 2>&1 &
    echo $! >"$RUN/worker-$i.pid"
  done
  for ((i = 1; i <= WORKERS; i++)); do
    wait_for_log "$RUN/logs/worker-$i.out" "Successfully registered with master" 60
  done
  echo "local-cluster: master $url (web UI $(cat "$RUN/master.webui")), $WORKERS workers × $WORKER_CORES core, $WORKER_MEMORY; logs in $RUN/logs" >&2
  echo "$url"
}

stop() {
  local f pid
  for f in "$RUN"/worker-*.pid "$RUN"/master.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$f"
  done
  rm -f "$RUN/master.url"
  echo "local-cluster: stopped" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
