#!/usr/bin/env bash
# start-kafka.sh DIR PORT ZOOKEEPER_PORT: one Kafka broker (ZooKeeper mode) on 127.0.0.1:PORT.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"
(($# == 3)) || die "usage: start-kafka.sh DIR PORT ZOOKEEPER_PORT"
dir=$1 port=$2 zk=$3; require_port "$port"; require_port "$zk"; require_port_free "$port"
[[ -f "$KAFKA_LIB/.complete" ]] || die "Kafka runtime missing in $KAFKA_LIB; run scripts/services/install.sh"
port_open "$zk" || die "no ZooKeeper on 127.0.0.1:$zk"
mkdir -p "$dir/data"
cat >"$dir/server.properties" <<CONF
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
log.dirs=$dir/data
zookeeper.connect=127.0.0.1:$zk
zookeeper.connection.timeout.ms=30000
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
CONF
cat >"$dir/log4j.properties" <<CONF
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
CONF
start_bg "$dir" kafka java -Xms512m -Xmx1g -Dlog4j.configuration="file:$dir/log4j.properties" \
  -cp "$KAFKA_LIB/*" kafka.Kafka "$dir/server.properties"
# The port opens only after the broker registered in ZooKeeper and loaded its logs.
wait_until 60 "kafka on port $port" "$dir/kafka.pid" port_open "$port"
echo "kafka ready on 127.0.0.1:$port (pid $(cat "$dir/kafka.pid"))"
