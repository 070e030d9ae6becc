#!/usr/bin/env bash
# kafka-topics.sh BOOTSTRAP ARGS...: Kafka's own topic tool, e.g.
#   kafka-topics.sh 127.0.0.1:9092 --create --topic in-uni-data --partitions 32 --replication-factor 1 --if-not-exists
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "$0")/lib.sh"
(($# >= 2)) || die "usage: kafka-topics.sh BOOTSTRAP ARGS..."
[[ -f "$KAFKA_LIB/.complete" ]] || die "Kafka runtime missing in $KAFKA_LIB; run scripts/services/install.sh"
bootstrap=$1; shift
exec java -Xmx256m -cp "$KAFKA_LIB/*" -Dlog4j.configuration=file:/dev/null org.apache.kafka.tools.TopicCommand \
  --bootstrap-server "$bootstrap" "$@"
