#!/bin/bash
# Standalone ZooKeeper on 0.0.0.0:$ZOO_PORT, data in /data.
set -euo pipefail
mkdir -p /data
cat >/etc/zookeeper-standalone.cfg <<CONF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=/data
clientPort=${ZOO_PORT}
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
CONF
# shellcheck disable=SC2086 # heap options are a word list
exec java ${ZOO_HEAP_OPTS:--Xmx512m} -cp /etc/zookeeper/conf_example:/usr/share/java/zookeeper.jar \
  org.apache.zookeeper.server.quorum.QuorumPeerMain /etc/zookeeper-standalone.cfg
