#!/usr/bin/env bash
# make-base.sh [IMAGE]: builds the Debian 12 base image locally (no registry can be pulled from):
# debootstrap a minbase bookworm tree and `docker import` it. Default IMAGE: surveillance-base:bookworm.
set -euo pipefail
image=${1:-surveillance-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || { echo "make-base.sh: debootstrap missing (apt-get install debootstrap)" >&2; exit 1; }
if docker image inspect "$image" >/dev/null 2>&1 && [[ -z "${REBUILD:-}" ]]; then
  echo "make-base.sh: $image exists (REBUILD=1 to remake it)"; exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
# Keep apt lists out of the image; each Dockerfile runs apt-get update itself.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "make-base.sh: built $image"
