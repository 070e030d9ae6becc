#!/usr/bin/env bash
# smoke.sh: runs the images built by build.sh as one small deployment on a private Docker network
# (ZooKeeper, Kafka, Flink JobManager + TaskManager, Mosquitto, gateway, camera, out-sink) and checks
# that every camera frame was forwarded to Kafka and that window results came out of Flink.
# Needs a running dockerd; removes everything it started.
set -euo pipefail
net=surveillance-smoke-$$
names=()
cleanup() {
  ((${#names[@]})) && docker rm -f "${names[@]}" >/dev/null 2>&1
  docker network rm "$net" >/dev/null 2>&1 || true
}
trap cleanup EXIT
run() { # NAME IMAGE ARGS...: a detached container on the smoke network
  local name=$1; shift
  names+=("$name-$$")
  docker run -d --name "$name-$$" --hostname "$name" --network "$net" --network-alias "$name" "$@" >/dev/null
}
wait_for() { # SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "smoke.sh: timed out waiting for $what" >&2; exit 1; }
    sleep 1
  done
}
docker network create "$net" >/dev/null
run zookeeper surveillance-zookeeper:3.8.0
run mosquitto surveillance-mosquitto:2.0.11
# The JobManager must know itself by the name the TaskManager uses (Pekko drops mismatched addresses).
run jobmanager -e JOB_MANAGER_RPC_ADDRESS=jobmanager -e FLINK_PROPERTIES="parallelism.default: 2" surveillance-flink:1.20.3 jobmanager
wait_for 60 zookeeper docker exec "zookeeper-$$" bash -c 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf ruok >&3 && grep -q imok <&3'
run kafka -e KAFKA_ZOOKEEPER_CONNECT=zookeeper:2181 -e KAFKA_ADVERTISED_HOST=kafka surveillance-kafka:3.9.1
run taskmanager -e JOB_MANAGER_RPC_ADDRESS=jobmanager surveillance-flink:1.20.3 taskmanager
wait_for 90 "kafka" docker exec "kafka-$$" /usr/local/bin/entrypoint.sh topics --bootstrap-server localhost:9092 --list
for t in in-uni-data out-uni-data; do
  docker exec "kafka-$$" /usr/local/bin/entrypoint.sh topics --bootstrap-server localhost:9092 \
    --create --topic "$t" --partitions 4 --replication-factor 1 >/dev/null 2>&1
done
wait_for 90 "flink slots" docker exec "jobmanager-$$" bash -c 'curl -fsS localhost:8081/overview | grep -q "\"slots-total\":2"'
docker exec "jobmanager-$$" /usr/local/bin/entrypoint.sh run 2 kafka:9092 in-uni-data out-uni-data kafka:9092 2 500 1000 >/dev/null
run gateway surveillance-apps:1.0.0 gateway --id gateway-1 --mqtt tcp://mosquitto:1883 --mqtt-topic in-uni-data \
  --kafka kafka:9092 --kafka-topic in-uni-data --metrics /opt/metrics
run outsink surveillance-apps:1.0.0 out-sink --kafka kafka:9092 --topic out-uni-data --metrics /opt/metrics
wait_for 60 "gateway" bash -c "docker logs gateway-$$ 2>&1 | grep -q ' -> '"
docker run --rm --network "$net" surveillance-apps:1.0.0 camera --camera 1 --broker tcp://mosquitto:1883 \
  --topic in-uni-data --fps 20 --duration 8 --metrics /opt/metrics-1
summary() { docker exec "$1-$$" cat /opt/metrics/summary.json; }
wait_for 60 "gateway to forward 160 frames" bash -c "docker exec gateway-$$ cat /opt/metrics/summary.json | grep -q '\"forwarded\": 160'"
wait_for 60 "window results" bash -c "docker exec outsink-$$ cat /opt/metrics/summary.json | grep -qE '\"received\": [1-9]'"
docker stop "gateway-$$" "outsink-$$" >/dev/null
echo "smoke.sh: gateway $(docker cp "gateway-$$:/opt/metrics/summary.json" - | tar -xO | tr -d ' \n')"
echo "smoke.sh: out-sink $(docker cp "outsink-$$:/opt/metrics/summary.json" - | tar -xO | tr -d ' \n')"
echo "smoke.sh: ok"
