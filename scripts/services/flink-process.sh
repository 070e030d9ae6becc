#!/usr/bin/env bash
# flink-process.sh jobmanager|taskmanager|cli CONF_DIR [ARGS...]: runs one Flink process in the
# foreground from the Maven-assembled runtime in FLINK_LIB (the role of flink-dist's bin/ scripts).
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"
(($# >= 2)) || die "usage: flink-process.sh jobmanager|taskmanager|cli CONF_DIR [ARGS...]"
role=$1 conf=$2; shift 2
[[ -f "$FLINK_LIB/.complete" ]] || die "Flink runtime missing in $FLINK_LIB; run scripts/services/install.sh"
[[ -f "$conf/config.yaml" ]] || die "no config.yaml in $conf (write it with flink-config.sh)"
export FLINK_CONF_DIR=$conf
cp=("-cp" "$FLINK_LIB/*")
log=("-Dlog4j.configurationFile=file:$conf/log4j.properties")
case $role in
  jobmanager)
    # shellcheck disable=SC2086
    exec java -Xms768m -Xmx768m -XX:MaxMetaspaceSize=256m $FLINK_JAVA_OPENS "${log[@]}" "${cp[@]}" \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$conf" "$@" ;;
  taskmanager)
    # Heap = framework + task heap; direct = framework + task off-heap + network (see flink-config.sh).
    # shellcheck disable=SC2086
    exec java -Xms640m -Xmx640m -XX:MaxDirectMemorySize=192m -XX:MaxMetaspaceSize=256m $FLINK_JAVA_OPENS \
      "${log[@]}" "${cp[@]}" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$conf" "$@" ;;
  cli)
    # shellcheck disable=SC2086
    exec java -Xmx256m $FLINK_JAVA_OPENS "-Dlog4j.configurationFile=file:$conf/log4j-cli.properties" "${cp[@]}" \
      org.apache.flink.client.cli.CliFrontend "$@" ;;
  *) die "unknown role '$role'" ;;
esac
