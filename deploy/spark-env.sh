# Shared by deploy/*.sh (sourced, not run).

# Spark 3.5 on Java 17 needs these opens in every JVM that runs it (driver, executors, daemons).
PACKBERT_OPENS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false)

# A SPARK_HOME made of the Maven-resolved Spark jars: jars/ (symlinks into ~/.m2) and a RELEASE file, which is
# what Spark's launcher (WorkerCommandBuilder) looks for to use SPARK_HOME/jars for executors.
packbert_spark_home() {
  local root home
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  home="${PACKBERT_SPARK_HOME_DIR:-$root/target/spark-home}"
  if [[ ! -f "$home/RELEASE" ]]; then
    mkdir -p "$home/jars" "$home/conf"
    local mvn_opts=(-B -q -f "$root/deploy/spark-home/pom.xml" dependency:build-classpath
      -Dmdep.outputFile="$home/classpath.txt")
    mvn -o "${mvn_opts[@]}" >&2 || mvn "${mvn_opts[@]}" >&2
    tr ':' '\n' <"$home/classpath.txt" | while read -r jar; do
      [[ -n "$jar" ]] && ln -sf "$jar" "$home/jars/$(basename "$jar")"
    done
    echo "Spark 3.5.9 (Scala 2.12) assembled by PackBERT from Maven artifacts" >"$home/RELEASE"
  fi
  echo "$home"
}
