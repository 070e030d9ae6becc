#!/bin/bash
# One Kafka broker. Required: KAFKA_ZOOKEEPER_CONNECT. Every other KAFKA_<NAME> variable becomes the
# broker property <name> (lower case, _ -> .), as in the seed's env block; KAFKA_HEAP_OPTS sets the heap.
set -euo pipefail
: "${KAFKA_ZOOKEEPER_CONNECT:?set KAFKA_ZOOKEEPER_CONNECT (host:port of ZooKeeper)}"
port=${KAFKA_PORT:-9092}
host=${KAFKA_ADVERTISED_HOST:-$(hostname -i | awk '{print $1}')}
declare -A props=(
  [broker.id]=0 [log.dirs]=/data [listeners]="PLAINTEXT://0.0.0.0:$port"
  [advertised.listeners]="PLAINTEXT://$host:$port" [offsets.topic.replication.factor]=1
  [transaction.state.log.replication.factor]=1 [transaction.state.log.min.isr]=1
  [group.initial.rebalance.delay.ms]=0
)
while IFS='=' read -r name value; do
  case $name in KAFKA_HEAP_OPTS|KAFKA_PORT|KAFKA_ADVERTISED_HOST) continue ;; esac
  key=$(echo "${name#KAFKA_}" | tr '[:upper:]_' '[:lower:].')
  props[$key]=$value
done < <(env | grep '^KAFKA_' || true)
mkdir -p /data
for k in "${!props[@]}"; do echo "$k=${props[$k]}"; done >/opt/kafka/server.properties
cat >/opt/kafka/log4j.properties <<CONF
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
CONF
if [[ "${1:-}" == topics ]]; then
  shift
  exec java -Xmx256m -cp '/opt/kafka/lib/*' org.apache.kafka.tools.TopicCommand "$@"
fi
# shellcheck disable=SC2086 # heap options are a word list
exec java ${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g} -Dlog4j.configuration=file:/opt/kafka/log4j.properties \
  -cp '/opt/kafka/lib/*' kafka.Kafka /opt/kafka/server.properties
