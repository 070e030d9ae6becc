#!/usr/bin/env bash
# What `npm test` needs on a Debian 12 machine, installed when missing (npm runs this as `pretest`):
# Debian packages, Kafka and Flink from Maven Central, a running Docker engine, the images (built here, no
# registry). Idempotent, and quick when everything is there. E2C_SKIP_SETUP=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -n "${E2C_SKIP_SETUP:-}" ]] && { echo "setup: skipped (E2C_SKIP_SETUP)"; exit 0; }
export DEBIAN_FRONTEND=noninteractive
step() { local name=$1; shift; local t0=$SECONDS; echo "setup: $name"; "$@"; echo "setup: $name: $((SECONDS - t0)) s"; }

# Network emulation tests: tc/ip, iperf3 for rates, fping for validation, ethtool for offloads; qemu boots
# Debian's kernel (which has netem) where this one has not (scripts/netem-vm/). The local testbed: Docker,
# debootstrap for the base image, ssh client. The report test: Chromium. Monitoring: dstat.
packages=(iproute2 iperf3 fping ethtool iputils-ping procps openssh-client qemu-system-x86 docker.io debootstrap chromium dstat ca-certificates)
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  if ((EUID != 0)); then
    echo "setup: missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
step "Debian packages" apt_install "${packages[@]}"
# Mosquitto, ZooKeeper, JDK and Maven from Debian; Kafka and Flink from Maven Central; the Flink job jar.
step "services" bash scripts/services/install.sh
step "docker engine" bash testbed/start-dockerd.sh
step "images" bash testbed/build-images.sh
