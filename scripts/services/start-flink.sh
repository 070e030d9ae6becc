#!/usr/bin/env bash
# start-flink.sh DIR RPC_PORT REST_PORT SLOTS: a Flink session cluster (one JobManager, one TaskManager)
# on 127.0.0.1; ready once the TaskManager has registered its slots.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"
(($# == 4)) || die "usage: start-flink.sh DIR RPC_PORT REST_PORT SLOTS"
dir=$1 rpc=$2 rest=$3 slots=$4
require_port "$rpc"; require_port "$rest"; require_port_free "$rpc"; require_port_free "$rest"
"$SCRIPTS_DIR/flink-config.sh" "$dir/conf" 127.0.0.1 "$rpc" "$rest" "$slots"
start_bg "$dir" jobmanager "$SCRIPTS_DIR/flink-process.sh" jobmanager "$dir/conf"
wait_until 60 "flink jobmanager (REST $rest)" "$dir/jobmanager.pid" curl -fsS "http://127.0.0.1:$rest/config"
start_bg "$dir" taskmanager "$SCRIPTS_DIR/flink-process.sh" taskmanager "$dir/conf"
slots_ready() { curl -fsS "http://127.0.0.1:$rest/overview" | grep -q "\"slots-total\":$slots"; }
wait_until 60 "flink taskmanager" "$dir/taskmanager.pid" slots_ready
echo "flink ready: REST 127.0.0.1:$rest, $slots slots (pids $(cat "$dir/jobmanager.pid") $(cat "$dir/taskmanager.pid"))"
