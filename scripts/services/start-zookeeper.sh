#!/usr/bin/env bash
# start-zookeeper.sh DIR PORT: a standalone ZooKeeper (Debian's) on 127.0.0.1:PORT; data, log and pid in DIR.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"
(($# == 2)) || die "usage: start-zookeeper.sh DIR PORT"
dir=$1 port=$2; require_port "$port"; require_port_free "$port"
[[ -f /usr/share/java/zookeeper.jar ]] || die "zookeeper not installed; run scripts/services/install.sh"
mkdir -p "$dir/data"
cat >"$dir/zoo.cfg" <<CONF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
CONF
start_bg "$dir" zookeeper java -Xmx256m -cp "/etc/zookeeper/conf_example:/usr/share/java/zookeeper.jar" \
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg"
zk_ok() { exec 3<>"/dev/tcp/127.0.0.1/$port" && printf ruok >&3 && [[ "$(cat <&3)" == imok ]]; }
wait_until 30 "zookeeper on port $port" "$dir/zookeeper.pid" zk_ok
echo "zookeeper ready on 127.0.0.1:$port (pid $(cat "$dir/zookeeper.pid"))"
