#!/usr/bin/env bash
# Builds (once) what the netem VM boots: Debian's own kernel (it has sch_netem as a module) and a small
# initramfs with busybox plus the Debian packages the generated tc scripts need (iproute2, fping, ethtool,
# bash, mawk, coreutils, grep, sed, netbase for /etc/protocols; iperf3 for the TCP measurement) and their
# libraries. Nothing is installed on this machine except qemu-system-x86 itself: packages are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x`.
#
# Idempotent and cached: the result lives in $E2C_NETEM_VM_CACHE (default ~/.cache/edge2cloud/netem-vm)
# under a key made of the package versions and these scripts, so a rebuild happens only when one changes.
# Prints, as its last line, `kernel=<path> initrd=<path>`. Exits 3 (and says why) when qemu is missing
# and cannot be installed here, so callers can report a skip.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${E2C_NETEM_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/edge2cloud/netem-vm}
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9 # one build at a time; a second caller waits and then finds the cache

if ! command -v qemu-system-x86_64 >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "netem-vm: installing qemu-system-x86" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
  fi
  if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "netem-vm: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)" >&2
    exit 3
  fi
fi

# Fast path: same scripts and same apt lists as a finished build -> that build, without asking apt (a
# dozen apt-cache calls take a minute on a loaded machine).
FAST=$( { cat "$HERE/build.sh" "$HERE/init" "$HERE/agent.sh"; echo "${E2C_NETEM_VM_KERNEL:-}"; stat -c '%n %Y %s' /var/lib/apt/lists/*Packages* 2>/dev/null; } | sha256sum | cut -c1-16)
if [[ -f $CACHE/fast-$FAST ]] && read -r done_dir < "$CACHE/fast-$FAST" && [[ -f $done_dir/complete ]]; then
  echo "kernel=$done_dir/vmlinuz initrd=$done_dir/initrd.img"
  exit 0
fi

# The kernel linux-image-amd64 points at (override: E2C_NETEM_VM_KERNEL=linux-image-6.1.0-<N>-amd64).
KPKG=${E2C_NETEM_VM_KERNEL:-$(apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')}
if [[ -z $KPKG ]]; then
  apt-get update -qq
  KPKG=$(apt-cache depends linux-image-amd64 | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
fi
[[ -n $KPKG ]] || { echo "netem-vm: apt knows no linux-image-amd64 (is this Debian?)" >&2; exit 1; }

TOOLS=(busybox-static bash coreutils grep sed mawk iproute2 fping ethtool iperf3 libc-bin netbase)
# The tools' library dependencies, recursively: packages in section libs (or named lib*); the tools run
# nothing else. Two apt-cache calls per level: each costs about a second.
declare -A SEEN=()
level=("${TOOLS[@]}")
while ((${#level[@]})); do
  for p in "${level[@]}"; do SEEN[$p]=1; done
  mapfile -t deps < <(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "${level[@]}" \
    | awk '($1 ~ /^\|?(Pre)?Depends:$/) && $2 !~ /^</ {print $2}' | sort -u)
  level=()
  ((${#deps[@]})) || break
  while read -r p; do [[ -n ${SEEN[$p]:-} ]] || level+=("$p"); done < <(apt-cache show --no-all-versions "${deps[@]}" 2>/dev/null \
    | awk '/^Package:/ {p = $2} /^Section:/ && ($2 == "libs" || p ~ /^lib/) {print p}' | sort -u)
done
PKGS=("$KPKG" $(printf '%s\n' "${!SEEN[@]}" | sort))
VERSIONS=$(apt-cache policy "${PKGS[@]}" | awk '/^[^ ].*:$/ {p = substr($1, 1, length($1) - 1)} $1 == "Candidate:" {print p "=" $2}')
[[ $(wc -l <<<"$VERSIONS") == "${#PKGS[@]}" && $VERSIONS != *"(none)"* ]] || { echo "netem-vm: apt has no candidate for some of ${PKGS[*]}:" $VERSIONS >&2; exit 1; }
KEY=$( { echo "$VERSIONS"; cat "$HERE/build.sh" "$HERE/init" "$HERE/agent.sh"; } | sha256sum | cut -c1-16)
OUT="$CACHE/$KEY"
if [[ -f $OUT/complete ]]; then
  echo "$OUT" > "$CACHE/fast-$FAST"
  echo "kernel=$OUT/vmlinuz initrd=$OUT/initrd.img"
  exit 0
fi

echo "netem-vm: building $OUT ($KPKG and ${#SEEN[@]} packages)" >&2
rm -rf "$OUT"; mkdir -p "$OUT/debs" "$OUT/stage" "$OUT/kernel"
(cd "$OUT/debs" && apt-get download -q $(echo "$VERSIONS") 2>&1 | grep -v "^W: Download is performed unsandboxed" >&2 || true)
for p in "${PKGS[@]}"; do ls "$OUT/debs/${p}_"*.deb >/dev/null 2>&1 || { echo "netem-vm: apt-get download $p failed" >&2; exit 1; }; done

dpkg-deb -x "$OUT/debs/${KPKG}_"*.deb "$OUT/kernel"
KVER=${KPKG#linux-image-}
cp "$OUT/kernel/boot/vmlinuz-$KVER" "$OUT/vmlinuz"

ROOT="$OUT/stage"
for p in "${PKGS[@]:1}"; do dpkg-deb -x "$OUT/debs/${p}_"*.deb "$ROOT"; done
# Merged /usr, as on a Debian 12 host: packages' /bin, /sbin, /lib, /lib64 move under /usr.
for d in bin sbin lib lib64; do
  if [[ -d $ROOT/$d && ! -L $ROOT/$d ]]; then mkdir -p "$ROOT/usr/$d"; cp -a "$ROOT/$d/." "$ROOT/usr/$d/"; rm -rf "${ROOT:?}/$d"; fi
  mkdir -p "$ROOT/usr/$d"; ln -s "usr/$d" "$ROOT/$d"
done
rm -rf "$ROOT"/usr/share/{doc,man,info,locale,lintian,bash-completion,zsh,bug,menu,common-licenses} "$ROOT"/usr/lib/x86_64-linux-gnu/gconv
# busybox supplies what no package here does (mount, insmod, poweroff, ...), behind the Debian tools in PATH.
mkdir -p "$ROOT/usr/libexec/busybox"
for a in $("$ROOT/usr/bin/busybox" --list); do ln -sf ../../bin/busybox "$ROOT/usr/libexec/busybox/$a"; done
mkdir -p "$ROOT"/{dev,proc,sys,tmp,run,var/lib,var/run,etc,root}
[[ -e $ROOT/dev/console ]] || mknod -m 600 "$ROOT/dev/console" c 5 1
printf 'hosts: files\nnetworks: files\nprotocols: files\nservices: files\npasswd: files\ngroup: files\n' > "$ROOT/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ROOT/etc/group"
printf '127.0.0.1 localhost\n' > "$ROOT/etc/hosts"
[[ -f $ROOT/etc/protocols ]] || { echo "netem-vm: netbase gave no /etc/protocols" >&2; exit 1; }

# Kernel modules the tests need, with their dependencies (from each module's .modinfo), in load order.
MODDIR="$OUT/kernel/lib/modules/$KVER"
declare -A MODPATH=()
while read -r f; do n=${f##*/}; n=${n%.ko}; MODPATH[${n//-/_}]=$f; done < <(find "$MODDIR/kernel" -name '*.ko')
ORDER=()
declare -A LOADED=()
add_module() {
  local m=${1//-/_} dep
  [[ -n ${LOADED[$m]:-} ]] && return
  [[ -n ${MODPATH[$m]:-} ]] || { grep -q "/$1.ko$" "$MODDIR/modules.builtin" && return; echo "netem-vm: module $1 not in $KPKG" >&2; exit 1; }
  for dep in $(tr '\0' '\n' < "${MODPATH[$m]}" | sed -n 's/^depends=//p' | tr ',' ' '); do add_module "$dep"; done
  LOADED[$m]=1; ORDER+=("$m")
}
for m in virtio_pci virtio_console sch_htb sch_netem cls_u32 veth bridge; do add_module "$m"; done
mkdir -p "$ROOT/lib/modules"
for m in "${ORDER[@]}"; do cp "${MODPATH[$m]}" "$ROOT/lib/modules/$m.ko"; echo "$m"; done > "$ROOT/lib/modules/load-order"

# Every program finds its libraries in the image itself (chroot: the host's are out of reach).
missing=$(for b in tc ip ss fping ethtool iperf3 bash getent mawk sort head grep sed stat; do
  f=$(PATH=/usr/sbin:/usr/bin chroot "$ROOT" /usr/bin/bash -c "command -v $b") || { echo "$b: not in the image"; continue; }
  chroot "$ROOT" /usr/bin/ldd "$f" 2>&1 | grep "not found" | sed "s|^|$b: |"
done || true)
[[ -z $missing ]] || { echo "netem-vm: libraries missing from the image:"$'\n'"$missing" >&2; exit 1; }
install -m 755 "$HERE/init" "$ROOT/init"
install -m 755 "$HERE/agent.sh" "$ROOT/usr/sbin/e2c-agent"
echo "$VERSIONS" > "$ROOT/etc/e2c-netem-vm-packages"
(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort | "$ROOT/usr/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1 > "$OUT/initrd.img")
rm -rf "$OUT/debs" "$OUT/stage" "$OUT/kernel"
echo "$VERSIONS" > "$OUT/complete"
# Earlier builds (other package versions or scripts) are not used any more.
for d in "$CACHE"/*/; do [[ ${d%/} == "$OUT" ]] || rm -rf "$d"; done
rm -f "$CACHE"/fast-*; echo "$OUT" > "$CACHE/fast-$FAST"
echo "netem-vm: built $(du -h "$OUT/initrd.img" | cut -f1) initramfs, kernel $KVER" >&2
echo "kernel=$OUT/vmlinuz initrd=$OUT/initrd.img"
