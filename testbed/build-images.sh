#!/usr/bin/env bash
# Builds every image the local testbed needs, with no registry: the Debian base (debootstrap), the service
# and application images (docker/build.sh), and the emulated host image. Starts dockerd when none runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
base=${BASE_IMAGE:-surveillance-base:bookworm}
host_image=${HOST_IMAGE:-e2c-host:local}

"$here/start-dockerd.sh"
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
t0=$SECONDS
"$repo/docker/make-base.sh" "$base"
echo "build-images: base $((SECONDS - t0)) s"
t0=$SECONDS
"$repo/docker/build.sh" "$base"
echo "build-images: services and applications $((SECONDS - t0)) s"
t0=$SECONDS
docker build -q --build-arg BASE="$base" -t "$host_image" "$here/host" >/dev/null
echo "build-images: host image $host_image $((SECONDS - t0)) s"
