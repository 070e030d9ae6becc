#!/usr/bin/env bash
# Installs everything the pipeline tests need on a fresh Debian 12 machine (idempotent):
# Mosquitto and ZooKeeper from Debian, Kafka and Flink runtimes from Maven Central (cached under
# $SERVICES_HOME and ~/.m2), and the Flink job jar.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"

apt_packages=(mosquitto zookeeper openjdk-17-jdk-headless maven curl)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install: apt packages ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian packages start nothing here (no systemd); tests start their own instances on chosen ports.

fetch_runtime() { # NAME POM_DIR DEST
  local name=$1 pom=$2 dest=$3 sum
  # The marker holds the pom's checksum, so editing the pom refreshes the cache.
  sum=$(sha256sum "$pom/pom.xml" | cut -d' ' -f1)
  if [[ "$(cat "$dest/.complete" 2>/dev/null)" == "$sum" ]]; then echo "install: $name runtime cached in $dest"; return; fi
  echo "install: $name runtime from Maven Central into $dest"
  rm -rf "$dest"; mkdir -p "$dest"
  mvn -q -B -Dstyle.color=never -f "$pom/pom.xml" dependency:copy-dependencies -DoutputDirectory="$dest" -DincludeScope=runtime
  echo "$sum" >"$dest/.complete"
}
fetch_runtime "Kafka $KAFKA_VERSION" "$SCRIPTS_DIR/maven/kafka" "$KAFKA_LIB"
fetch_runtime "Flink $FLINK_VERSION" "$SCRIPTS_DIR/maven/flink" "$FLINK_LIB"

if [[ ! -f "$FLINK_JOB_JAR" || -n "$(find "$REPO_DIR/workloads/flink-job/src" "$REPO_DIR/workloads/flink-job/pom.xml" -newer "$FLINK_JOB_JAR" -print -quit)" ]]; then
  echo "install: building the Flink job"
  mvn -q -B -Dstyle.color=never -f "$REPO_DIR/workloads/flink-job/pom.xml" package
fi
echo "install: done (job jar $FLINK_JOB_JAR)"
