#!/usr/bin/env bash
# stop.sh PIDFILE...: SIGTERM each process group, wait up to 20 s, then SIGKILL. Missing pid files are fine.
set -uo pipefail
for pidfile in "$@"; do
  [[ -f "$pidfile" ]] || continue
  pid=$(cat "$pidfile")
  # start_bg runs each service under setsid, so the pid is also its process group.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop.sh: $pidfile (pid $pid) ignored SIGTERM; killing" >&2
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
done
