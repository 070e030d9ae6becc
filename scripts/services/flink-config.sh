#!/usr/bin/env bash
# flink-config.sh CONF_DIR JOBMANAGER_HOST RPC_PORT REST_PORT SLOTS [BIND_HOST]: writes a standalone
# session-cluster config. Every TaskManager memory pool is set explicitly because TaskManagerRunner,
# started without flink-dist's scripts, requires them; flink-process.sh derives the JVM flags from them.
set -euo pipefail
(($# >= 5)) || { echo "usage: flink-config.sh CONF_DIR JOBMANAGER_HOST RPC_PORT REST_PORT SLOTS [BIND_HOST]" >&2; exit 1; }
conf=$1 host=$2 rpc=$3 rest=$4 slots=$5 bind=${6:-127.0.0.1}
mkdir -p "$conf"
cat >"$conf/config.yaml" <<CONF
jobmanager.rpc.address: $host
jobmanager.rpc.port: $rpc
jobmanager.bind-host: $bind
rest.address: $host
rest.port: $rest
rest.bind-address: $bind
blob.server.port: 0
taskmanager.host: ${TASKMANAGER_HOST:-$host}
taskmanager.bind-host: $bind
taskmanager.numberOfTaskSlots: $slots
taskmanager.cpu.cores: $slots
parallelism.default: 1
taskmanager.memory.framework.heap.size: 128m
taskmanager.memory.task.heap.size: 512m
taskmanager.memory.managed.size: 128m
taskmanager.memory.network.min: 64m
taskmanager.memory.network.max: 64m
taskmanager.memory.framework.off-heap.size: 128m
taskmanager.memory.task.off-heap.size: 0m
taskmanager.memory.jvm-metaspace.size: 256m
taskmanager.memory.jvm-overhead.min: 192m
taskmanager.memory.jvm-overhead.max: 192m
jobmanager.memory.process.size: 1024m
CONF
cat >"$conf/log4j.properties" <<'CONF'
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
CONF
cp "$conf/log4j.properties" "$conf/log4j-cli.properties"
