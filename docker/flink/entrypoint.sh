#!/bin/bash
# jobmanager | taskmanager | run JOB_ARGS... | flink CLI_ARGS...
# Env: JOB_MANAGER_RPC_ADDRESS (default: this host; give both roles the same value, the JobManager only
# answers to that name), TASK_SLOTS (default 2), FLINK_PROPERTIES
# ("key: value" lines, as in the seed; memory sizes are fixed by the image and are ignored here).
set -euo pipefail
S=/opt/surveillance/scripts/services
conf=/opt/flink-conf
self=$(hostname -i | awk '{print $1}')
jm=${JOB_MANAGER_RPC_ADDRESS:-$self}
TASKMANAGER_HOST=$self "$S/flink-config.sh" "$conf" "$jm" 6123 8081 "${TASK_SLOTS:-2}" 0.0.0.0
if [[ -n "${FLINK_PROPERTIES:-}" ]]; then
  while IFS= read -r line; do
    line=$(echo "$line" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
    [[ -z "$line" || "$line" != *:* ]] && continue
    key=${line%%:*}
    if [[ "$key" == *heap* || "$key" == *memory* ]]; then
      echo "entrypoint: ignoring $key (memory is sized by the image)" >&2; continue
    fi
    grep -v "^$key:" "$conf/config.yaml" >"$conf/config.yaml.new" || true
    mv "$conf/config.yaml.new" "$conf/config.yaml"
    echo "$line" >>"$conf/config.yaml"
  done <<<"$(printf '%b' "$FLINK_PROPERTIES")"
fi
role=${1:-}; shift || true
case $role in
  jobmanager|taskmanager) exec "$S/flink-process.sh" "$role" "$conf" ;;
  run) exec "$S/submit-flink-job.sh" "$conf" "$@" ;;
  flink) exec "$S/flink-process.sh" cli "$conf" "$@" ;;
  *) echo "usage: jobmanager | taskmanager | run JOB_ARGS... | flink CLI_ARGS..." >&2; exit 2 ;;
esac
