# shellcheck shell=bash disable=SC2034
# Shared settings and helpers for the service scripts (sourced, not run).
# SERVICES_HOME caches the Maven-assembled runtimes so re-runs skip the downloads.
SERVICES_HOME="${SERVICES_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/surveillance-services}"
KAFKA_VERSION=3.9.1
FLINK_VERSION=1.20.3
KAFKA_LIB="$SERVICES_HOME/kafka-$KAFKA_VERSION/lib"
FLINK_LIB="$SERVICES_HOME/flink-$FLINK_VERSION/lib"
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPTS_DIR/../.." && pwd)"
FLINK_JOB_JAR="$REPO_DIR/workloads/flink-job/target/people-count-flink.jar"

# Java 17 needs these opens for Flink's reflection-based serializers (same list as flink-dist's config).
FLINK_JAVA_OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# shellcheck disable=SC2015 # die when either test fails is the intent
require_port() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 > 0 && $1 < 65536 )) || die "invalid port '$1'"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Fails if the port is taken, so a stale service is never mistaken for the new one.
require_port_free() { ! port_open "$1" || die "port $1 on 127.0.0.1 is already in use"; }

# wait_until TIMEOUT_S DESCRIPTION PIDFILE COMMAND...: polls COMMAND, fails early if the process died.
wait_until() {
  local timeout=$1 what=$2 pidfile=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      die "$what exited before becoming ready; see its log in $(dirname "$pidfile")"
    fi
    (( SECONDS < deadline )) || die "$what not ready after ${timeout}s; see its log in $(dirname "$pidfile")"
    sleep 0.3
  done
}

# start_bg DIR NAME COMMAND...: runs COMMAND detached in its own session, logs to DIR/NAME.log, pid in DIR/NAME.pid.
start_bg() {
  local dir=$1 name=$2; shift 2
  mkdir -p "$dir"
  setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}
