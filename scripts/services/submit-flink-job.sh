#!/usr/bin/env bash
# submit-flink-job.sh CONF_DIR JOB_ARGS...: submits the people-count job detached (as the seed's
# `flink run -d`) and prints its job id. JOB_ARGS in the seed's order: parallelism input-bootstrap
# input-topic output-topic output-bootstrap window-seconds [...].
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"
(($# >= 2)) || die "usage: submit-flink-job.sh CONF_DIR JOB_ARGS..."
conf=$1; shift
[[ -f "$FLINK_JOB_JAR" ]] || die "job jar $FLINK_JOB_JAR missing; run scripts/services/install.sh"
out=$("$SCRIPTS_DIR/flink-process.sh" cli "$conf" run -d "$FLINK_JOB_JAR" "$@" 2>&1) || { echo "$out" >&2; die "job submission failed"; }
id=$(grep -oE 'JobID [0-9a-f]{32}' <<<"$out" | awk '{print $2}')
[[ -n "$id" ]] || { echo "$out" >&2; die "no job id in the client's output"; }
echo "$id"
