#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: installs Debian's docker.io when missing and starts
# dockerd in the background when none runs (these machines have no systemd). Idempotent.
set -euo pipefail
if ! command -v dockerd >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
if docker info >/dev/null 2>&1; then echo "start-dockerd: engine already running"; exit 0; fi
log=${DOCKERD_LOG:-/var/log/dockerd.log}
nohup dockerd >"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "start-dockerd: engine up (log $log)"; exit 0; fi
  sleep 1
done
echo "start-dockerd: dockerd did not answer within 60 s; see $log" >&2
tail -20 "$log" >&2
exit 1
