#!/usr/bin/env bash
# start-mosquitto.sh DIR PORT: Mosquitto on 127.0.0.1:PORT; config, log and pid in DIR.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"
(($# == 2)) || die "usage: start-mosquitto.sh DIR PORT"
dir=$1 port=$2; require_port "$port"; require_port_free "$port"
command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]] || die "mosquitto not installed; run scripts/services/install.sh"
mkdir -p "$dir"
cat >"$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
# Queue generously for QoS 1 so a slow gateway applies back-pressure instead of losing frames.
max_queued_messages 0
max_inflight_messages 100
CONF
start_bg "$dir" mosquitto "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$dir/mosquitto.conf"
wait_until 15 "mosquitto on port $port" "$dir/mosquitto.pid" port_open "$port"
echo "mosquitto ready on 127.0.0.1:$port (pid $(cat "$dir/mosquitto.pid"))"
