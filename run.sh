#!/usr/bin/env bash
# Infini-Spark launcher. `./run.sh` runs the main job on the bundled sample corpus in embedded Spark;
# `./run.sh --help` lists every option and subcommand. Builds whatever is missing or stale first.
set -euo pipefail

home=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jvm_options=$(sed -n 's/^spark\.jvm\.options=//p' "$home/conf/jvm.properties")

# `./run.sh jmh [JMH options]`: JMH benchmark of one segment step (model-udfs test sources)
if [[ "${1:-}" == "jmh" ]]; then
  shift
  mvn -q -f "$home/pom.xml" -pl model-udfs -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
  cd "$home/model-udfs"
  exec java -Dai.djl.offline=true -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    org.openjdk.jmh.Main SegmentStepBenchmark "$@"
fi

# embedded Spark binds to loopback; on a cluster the driver must be reachable
if [[ " $* " != *" --master"* ]]; then
  export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
fi
# Spark's local-cluster master: worker and executor JVMs on this machine, on loopback; its workers
# build executors' class paths from $SPARK_HOME/jars (made from our class path when missing)
if [[ " $* " == *" local-cluster["* || " $* " == *"--master=local-cluster["* ]]; then
  export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
  export SPARK_HOME=${SPARK_HOME:-$home/spark-jobs/target/spark-home}
fi
jar="$home/spark-jobs/target/spark-jobs-0.1.0-SNAPSHOT.jar"
classpath_file="$home/spark-jobs/target/classpath.txt"

needs_build() {
  [[ ! -f "$jar" || ! -f "$classpath_file" ]] && return 0
  [[ -n "$(find "$home/pom.xml" "$home"/*/pom.xml "$home"/*/src/main "$home/conf" -newer "$jar" -print -quit 2>/dev/null)" ]]
}

if needs_build; then
  echo "building (first run, or sources changed) …" >&2
  # shellcheck disable=SC2086
  mvn -q -f "$home/pom.xml" ${INFINISPARK_MAVEN_FLAGS:-} -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
  touch "$jar"
fi

# Spark RAPIDS (optional, ~1 GB, not in the build): fetched once into the local Maven repository
# when a run asks for it (--rapids-explain, or a properties file that sets spark.plugins)
if [[ " $* " == *" --rapids-explain "* || " $* " == *"rapids.conf"* ]] && [[ -z "${INFINISPARK_RAPIDS_JAR:-}" ]]; then
  rapids_version=$(sed -n 's:.*<rapids.version>\(.*\)</rapids.version>.*:\1:p' "$home/pom.xml")
  m2=${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}
  export INFINISPARK_RAPIDS_JAR="$m2/com/nvidia/rapids-4-spark_2.13/$rapids_version/rapids-4-spark_2.13-$rapids_version.jar"
  if [[ ! -f "$INFINISPARK_RAPIDS_JAR" ]]; then
    echo "fetching Spark RAPIDS $rapids_version (about 1 GB) into $INFINISPARK_RAPIDS_JAR …" >&2
    mkdir -p "$(dirname "$INFINISPARK_RAPIDS_JAR")"
    curl -fsSL -o "$INFINISPARK_RAPIDS_JAR.part" \
      "https://repo1.maven.org/maven2/com/nvidia/rapids-4-spark_2.13/$rapids_version/rapids-4-spark_2.13-$rapids_version.jar"
    mv "$INFINISPARK_RAPIDS_JAR.part" "$INFINISPARK_RAPIDS_JAR"
  fi
fi

# Training: PyTorch on CPU frees its large tensors (activations, hundreds of MB a step) back to the
# OS and glibc page-faults them in again on the next step; these keep freed memory in the heap
# (measured effect: docs/benchmarks.md). Only for `train`: memory is then never handed back, and a
# Spark job with them (the held-out evaluation, 1.06M tokens) peaked at 14.6 GB resident.
if [[ "${1:-}" == "train" ]]; then
  export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-4294967296}
  export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-17179869184}
  export MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-1073741824}
fi

# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx${INFINI_SPARK_DRIVER_MEMORY:-8g}} $jvm_options \
  -Dlog4j2.configurationFile="$home/conf/log4j2.properties" \
  -Dinfinispark.home="$home" \
  -cp "$jar:$(cat "$classpath_file")" io.infinispark.cli.Main "$@"
