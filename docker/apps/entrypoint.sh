#!/bin/sh
# PROGRAM ARGS...: PROGRAM is camera | gateway | in-sink | out-sink | make-dataset.
set -eu
program=${1:-}
[ "$program" = make-dataset ] && program=dataset
if [ -z "$program" ] || [ ! -f "/opt/apps/bin/workloads/$program/main.js" ]; then
  echo "usage: camera | gateway | in-sink | out-sink | make-dataset ARGS... (--help for each)" >&2
  exit 2
fi
shift
exec node "/opt/apps/bin/workloads/$program/main.js" "$@"
