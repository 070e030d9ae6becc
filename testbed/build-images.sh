#!/usr/bin/env bash
# Builds every image the local testbed needs, with no registry: the Debian base (debootstrap), the service
# and application images (docker/build.sh), and the emulated host image. Starts dockerd when none runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
base=${BASE_IMAGE:-surveillance-base:bookworm}
host_image=${HOST_IMAGE:-e2c-host:bare}

"$here/start-dockerd.sh"

# Quick when nothing changed: the host image, built last, carries as labels a hash of every input
# (Dockerfiles, workloads, service scripts, this machine's Node.js, copied into the apps image) and the
# tags built from them; the engine itself thus says whether its images are current.
inputs=$(cd "$repo" && {
  node --version
  find docker testbed/host workloads scripts/services \( -name node_modules -o -name target \) -prune -o -type f -print | sort | xargs sha256sum
} | sha256sum | cut -d' ' -f1)
label() { docker image inspect -f "{{index .Config.Labels \"$1\"}}" "$host_image" 2>/dev/null || true; }
built=$(label e2c.images)
if [[ -z "${REBUILD:-}" && "$(label e2c.inputs)" == "$inputs" && -n "$built" ]] && docker image inspect $built >/dev/null 2>&1; then
  echo "build-images: images up to date ($built; REBUILD=1 rebuilds them)"
  exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
t0=$SECONDS
echo "build-images: [1/3] Debian base image $base"
"$repo/docker/make-base.sh" "$base"
echo "build-images: base $((SECONDS - t0)) s"
t0=$SECONDS
echo "build-images: [2/3] service and application images (Kafka and Flink from Maven Central the first time)"
"$repo/docker/build.sh" "$base"
echo "build-images: services and applications $((SECONDS - t0)) s"
t0=$SECONDS
echo "build-images: [3/3] emulated host image $host_image"
images="$base $(tr '\n' ' ' <"${BUILD_DIR:-${TMPDIR:-/tmp}/surveillance-docker}/tags")$host_image"
docker build -q --build-arg BASE="$base" --label e2c.inputs="$inputs" --label e2c.images="$images" -t "$host_image" "$here/host" >/dev/null
echo "build-images: host image $host_image $((SECONDS - t0)) s"
