#!/usr/bin/env bash
# build.sh [BASE]: builds every image from pinned versions with no registry. Runs install.sh (Debian
# packages, Maven artifacts, the job jar), compiles the workloads, stages each image's context under
# $BUILD_DIR, then `docker build --build-arg BASE=...`. Make the base first with make-base.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
base=${1:-surveillance-base:bookworm}
build_dir=${BUILD_DIR:-${TMPDIR:-/tmp}/surveillance-docker}
# shellcheck source=scripts/services/lib.sh
source "$repo/scripts/services/lib.sh"
docker image inspect "$base" >/dev/null 2>&1 || { echo "build.sh: no base image $base; run docker/make-base.sh" >&2; exit 1; }

"$repo/scripts/services/install.sh"
(cd "$repo" && npx tsc -p workloads/tsconfig.json)

rm -rf "$build_dir"; mkdir -p "$build_dir"
stage() { # NAME: a fresh context holding the image's Dockerfile and entrypoint
  local ctx="$build_dir/$1"; mkdir -p "$ctx"; cp "$here/$1"/* "$ctx/"; echo "$ctx"
}
ctx=$(stage zookeeper)
ctx=$(stage kafka); cp -r "$KAFKA_LIB" "$ctx/lib"; rm -f "$ctx/lib/.complete"
ctx=$(stage flink); cp -r "$FLINK_LIB" "$ctx/lib"; rm -f "$ctx/lib/.complete"
mkdir -p "$ctx/services"; cp "$repo"/scripts/services/*.sh "$ctx/services/"; cp "$FLINK_JOB_JAR" "$ctx/"
ctx=$(stage mosquitto)
ctx=$(stage apps); cp "$(command -v node)" "$ctx/node"
mkdir -p "$ctx/app/bin"; cp -r "$repo/bin/workloads" "$ctx/app/bin/"
cp "$here/apps/package.json" "$here/apps/package-lock.json" "$ctx/app/"
(cd "$ctx/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)

node_major=$(node --version | sed -E 's/^v([0-9]+).*/\1/')
declare -A tags=(
  [zookeeper]=surveillance-zookeeper:3.8.0 [kafka]="surveillance-kafka:$KAFKA_VERSION"
  [flink]="surveillance-flink:$FLINK_VERSION" [mosquitto]=surveillance-mosquitto:2.0.11
  [apps]=surveillance-apps:1.0.0
)
# contexts.tsv: image, staged context, build arguments besides BASE; what `imageSource: build` sends to hosts.
: >"$build_dir/contexts.tsv"
for name in zookeeper kafka flink mosquitto apps; do
  echo "build.sh: ${tags[$name]}"
  extra=(); [[ $name == apps ]] && extra=(--build-arg NODE_VERSION="$node_major")
  printf '%s\t%s\t%s\n' "${tags[$name]}" "$build_dir/$name" "$([[ $name == apps ]] && echo "NODE_VERSION=$node_major")" >>"$build_dir/contexts.tsv"
  # Quiet unless it fails (the legacy builder prints a deprecation notice on every build).
  docker build -q --build-arg BASE="$base" "${extra[@]}" -t "${tags[$name]}" "$build_dir/$name" \
    >"$build_dir/$name.log" 2>&1 || { cat "$build_dir/$name.log" >&2; exit 1; }
done
printf '%s\n' "${tags[@]}" >"$build_dir/tags"
echo "build.sh: built ${tags[*]}"
