import { HostShaping } from "./netemPlan";

/** Root qdisc handle of every tree this project creates: how it recognises, and only removes, its own. */
export const ROOT_HANDLE = "e2c:";
/** Where a host keeps what the scripts need between apply, validate and remove. */
export const STATE_DIR = "/var/lib/edge2cloud/netem";

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Functions shared by the apply and remove scripts (bash). */
const PRELUDE = String.raw`
set -Eeuo pipefail
STATE=${"$"}{E2C_NETEM_STATE:-${STATE_DIR}}
mkdir -p "$STATE"
resolve() { # host name or IPv4 -> IPv4
  if [[ $1 =~ ^[0-9]+(\.[0-9]+){3}$ ]]; then echo "$1"; return; fi
  getent ahostsv4 "$1" | awk 'NR==1 {print $1}'
}
devices() { local p; for p in /sys/class/net/*; do echo "${"$"}{p##*/}"; done; }
dev_for() { ip -o route get "$1" | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n1; }
ours() { tc qdisc show dev "$1" root 2>/dev/null | grep -q '^qdisc htb ${ROOT_HANDLE} '; }
# Kernel defaults may be replaced; anything else was set up by someone else and is left alone.
foreign_root() {
  local kind; kind=$(tc qdisc show dev "$1" root 2>/dev/null | awk 'NR==1 {print $2}')
  case "$kind" in ""|noqueue|pfifo_fast|fq_codel|mq|fq|pfifo) return 1 ;; esac
  ours "$1" && return 1 || return 0
}
save_offloads() { # TSO/GSO/GRO make htb shape super-packets: off while shaping, restored on remove
  command -v ethtool >/dev/null || return 0
  [[ -f "$STATE/$1.offloads" ]] || ethtool -k "$1" 2>/dev/null | awk -F': ' '/^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):/ {split($2, v, " "); print $1, v[1]}' > "$STATE/$1.offloads" || true
  ethtool -K "$1" tso off gso off gro off 2>/dev/null || true
}
restore_offloads() {
  [[ -f "$STATE/$1.offloads" ]] || return 0
  if command -v ethtool >/dev/null; then
    while read -r name value; do
      case "$name" in
        tcp-segmentation-offload) ethtool -K "$1" tso "$value" 2>/dev/null || true ;;
        generic-segmentation-offload) ethtool -K "$1" gso "$value" 2>/dev/null || true ;;
        generic-receive-offload) ethtool -K "$1" gro "$value" 2>/dev/null || true ;;
      esac
    done < "$STATE/$1.offloads"
  fi
  rm -f "$STATE/$1.offloads"
}
remove_tree() { ours "$1" || return 0; tc qdisc del dev "$1" root; restore_offloads "$1"; echo "netem: removed shaping from $1"; }
`;

/**
 * The script that makes a host's shaping exactly `shaping`: idempotent (`replace` everywhere), changes
 * values in place without removing the tree (no traffic gap), removes the classes of destinations no
 * longer shaped, and removes the tree from devices that no longer need one. It refuses to replace a root
 * qdisc it did not create. Without netem in the kernel it fails, unless `allowMissingNetem`, in which case
 * rates are still shaped and `$STATE/status` records that delay and loss were not applied.
 */
export function tcApplyScript(shaping: HostShaping, opts: { allowMissingNetem: boolean }): string {
  if (shaping.destinations.some((d) => parseInt(d.classMinor, 16) > 0xfff)) throw new Error(`too many hosts for u32 node ids on ${shaping.host}`);
  const rules = shaping.destinations
    .map((d) => `rule ${d.classMinor} ${d.netemMajor} ${q(d.destinationAddress)} ${d.rate} ${d.quantum} ${q(d.netemArgs)} # -> ${d.destinationHost}`)
    .join("\n");
  return String.raw`${PRELUDE}
ALLOW_MISSING_NETEM=${opts.allowMissingNetem ? 1 : 0}
HOST=${q(shaping.host)}
declare -A WANT=()
CREATED=()
NETEM=ok
undo_created() { for d in "${"$"}{CREATED[@]}"; do remove_tree "$d"; done; }
# A failed apply removes the trees it created itself, so the host is left as it was found.
on_exit() { local rc=$?; [[ $rc == 0 ]] || undo_created; }
trap on_exit EXIT
# Whether the u32 filter 800::<minor> on <dev> already sends exactly <ip> to class <minor>.
filter_is() { # dev minor ip
  local match; match="match $(printf '%02x' ${"$"}{3//./ })/ffffffff at 16"
  tc filter show dev "$1" parent ${ROOT_HANDLE} protocol ip prio 1 | awk -v fh="800::$2" -v flow="${ROOT_HANDLE}$2" -v m="$match" '
    /^filter/ { inside = 0; for (i = 1; i < NF; i++) if ($i == "fh" && $(i + 1) == fh) inside = 1
      if (inside) for (i = 1; i < NF; i++) if (($i == "flowid" || $i == "*flowid") && $(i + 1) == flow) flows = 1
      next }
    inside && /^ *match / { n++; sub(/^ +/, ""); sub(/ +$/, ""); if ($0 == m) matches = 1 }
    END { exit !(flows && matches && n == 1) }'
}
rule() { # minor netem-major destination rate quantum netem-args
  local minor=$1 major=$2 ip dev out
  ip=$(resolve "$3"); [[ -n $ip ]] || { echo "netem: $HOST cannot resolve $3" >&2; exit 1; }
  dev=$(dev_for "$ip"); [[ -n $dev ]] || { echo "netem: $HOST has no route to $3 ($ip)" >&2; exit 1; }
  if ! ours "$dev"; then
    if foreign_root "$dev"; then
      echo "netem: $HOST device $dev has a root qdisc this project did not create ($(tc qdisc show dev "$dev" root | head -n1)); remove it or shape another device" >&2
      exit 1
    fi
    save_offloads "$dev"
    tc qdisc replace dev "$dev" root handle ${ROOT_HANDLE} htb
    CREATED+=("$dev")
  fi
  tc class replace dev "$dev" parent ${ROOT_HANDLE} classid ${ROOT_HANDLE}$minor htb rate "$4" ceil "$4" quantum "$5"
  if [[ -n $6 && $NETEM == ok ]]; then
    if ! out=$(tc qdisc replace dev "$dev" parent ${ROOT_HANDLE}$minor handle "$major": netem $6 2>&1); then
      if grep -qiE 'unknown|not found|no such file' <<<"$out"; then
        if [[ $ALLOW_MISSING_NETEM == 1 ]]; then
          NETEM=missing
          echo "netem: WARNING $HOST kernel has no netem (sch_netem): delay and loss are NOT emulated, rates are" >&2
        else
          echo "netem: $HOST kernel has no netem (sch_netem: $out); load the module, or set edge2cloud:allowMissingNetem: true to run without delay and loss" >&2
          exit 1
        fi
      else
        echo "$out" >&2; exit 1
      fi
    fi
  elif [[ -z $6 ]]; then
    # An entry that now gives only a rate: drop a netem child left from an earlier value.
    tc qdisc del dev "$dev" parent ${ROOT_HANDLE}$minor handle "$major": 2>/dev/null || true
  fi
  # An unchanged filter is left alone: "tc filter replace" of an existing u32 node makes Debian's 6.1
  # kernel WARN (field-spanning memcpy in cls_u32), a crash under panic_on_warn. A changed one is re-added.
  if ! filter_is "$dev" "$minor" "$ip"; then
    tc filter del dev "$dev" parent ${ROOT_HANDLE} protocol ip prio 1 handle 800::$minor u32 2>/dev/null || true
    tc filter add dev "$dev" parent ${ROOT_HANDLE} protocol ip prio 1 handle 800::$minor u32 match ip dst "$ip"/32 flowid ${ROOT_HANDLE}$minor
  fi
  WANT[$dev]+=" $minor "
  echo "$HOST $dev $3 $ip ${ROOT_HANDLE}$minor rate $4 $6" >> "$STATE/rules.new"
}
rm -f "$STATE/rules.new"; touch "$STATE/rules.new"
${measureBase(shaping)}
${rules}
trap - EXIT
# Prune: classes of destinations no longer shaped, and whole trees no device needs any more.
for dev in $(devices); do
  ours "$dev" || continue
  for cls in $(tc class show dev "$dev" | awk '$2 == "htb" && $3 ~ /^${ROOT_HANDLE}/ {print $3}'); do
    minor=${"$"}{cls#${ROOT_HANDLE}}
    [[ ${"$"}{WANT[$dev]:-} == *" $minor "* ]] && continue
    tc filter del dev "$dev" parent ${ROOT_HANDLE} protocol ip prio 1 handle 800::$minor u32 2>/dev/null || true
    tc class del dev "$dev" classid "$cls"
    echo "netem: removed $cls from $dev"
  done
  [[ -n ${"$"}{WANT[$dev]:-} ]] || remove_tree "$dev"
done
mv "$STATE/rules.new" "$STATE/rules"
echo "$NETEM" > "$STATE/status"
echo "netem: $HOST shapes $(wc -l < "$STATE/rules") destinations (netem $NETEM)"
${validate(shaping)}
`;
}

/** Pings per destination for validation (`fping -C`), 100 ms apart. */
export const VALIDATE_PINGS = 20;
/** Measured RTT may differ from base + configured by this much before a warning: 10% plus 1 ms. */
export const VALIDATE_TOLERANCE = { relative: 0.1, absoluteMs: 1 };

function addresses(shaping: HostShaping): string {
  return shaping.destinations.map((d) => q(d.destinationAddress)).join(" ");
}

/** RTTs before any shaping of this project (first apply only): what the emulation adds to. */
function measureBase(shaping: HostShaping): string {
  return String.raw`if command -v fping >/dev/null && [[ ! -f "$STATE/base.fpingout" ]] && [[ -z $(for d in $(devices); do ours "$d" && echo y; done) ]]; then
  fping -C ${VALIDATE_PINGS} -p 100 -q -e ${addresses(shaping)} 2> "$STATE/base.fpingout" || true
fi`;
}

/**
 * E2Clab's network-validate files (<src>-<dst>-<symmetric|asymmetric>/<host>.fpingout) and a line per
 * destination comparing the median RTT with base + configured, warning beyond the tolerance.
 */
function validate(shaping: HostShaping): string {
  const checks = shaping.destinations
    .map((d) => `check ${q(d.validateDir)} ${q(d.destinationAddress)} ${d.expectedRttIncreaseMs}`)
    .join("\n");
  return String.raw`median_rtt() { # fping -C output, address -> median RTT in ms (or "-"), lost, sent (mawk has no sort: use sort)
  local line values n lost sent
  line=$(awk -v a="$2" '$1 == a' "$1" | head -n1)
  sent=$(awk '{print NF - 2}' <<<"$line"); lost=$(tr ' ' '\n' <<<"$line" | grep -cx -- '-' || true)
  values=$(tr ' ' '\n' <<<"$line" | tail -n +3 | grep -v -x -- '-' | sort -g || true)
  n=$(grep -c . <<<"$values" || true)
  if [[ -z $line || $n == 0 ]]; then echo "- $lost $sent"; return; fi
  awk -v n="$n" -v lost="$lost" -v sent="$sent" '{ v[NR] = $1 } END { m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2; print m, lost, sent }' <<<"$values"
}
fping_failed() { # exit-code output-file address: fping's own message (lines that are not its results)
  local msg; msg=$(grep -v -- "^$3 *:" "$2" | tr '\n' ' ' | sed 's/ *$//' || true)
  local what="system call failure, e.g. no ICMP socket or no /etc/protocols"
  case $1 in 2) what="address not found" ;; 3) what="invalid arguments" ;; esac
  echo "netem: WARNING $HOST -> $3: fping failed (exit $1, $what): ${"$"}{msg:-no message}; shaping not validated"
}
check() { # validate-dir destination expected-increase-ms
  local out="$STATE/validate/$1/$HOST.fpingout" base measured lost sent rc=0
  mkdir -p "$STATE/validate/$1"
  # fping exits 1 when some pings got no reply (measured below) and 2 or more when it could not ping at all.
  fping -C ${VALIDATE_PINGS} -p 100 -q -e "$2" 2> "$out" || rc=$?
  if (( rc > 1 )); then fping_failed "$rc" "$out" "$2"; return; fi
  read -r measured lost sent < <(median_rtt "$out" "$2")
  base=0
  if [[ -f "$STATE/base.fpingout" ]]; then read -r base _ < <(median_rtt "$STATE/base.fpingout" "$2"); fi
  if [[ $base == "-" ]]; then base=0; fi
  awk -v h="$HOST" -v d="$2" -v m="$measured" -v b="$base" -v e="$3" -v l="$lost" -v s="$sent" -v rel=${VALIDATE_TOLERANCE.relative} -v abs=${VALIDATE_TOLERANCE.absoluteMs} 'BEGIN {
    want = b + e
    if (m == "-") { printf "netem: WARNING %s -> %s: no reply to %d pings (configured +%s ms over base %s ms)\n", h, d, s, e, b; exit }
    diff = m - want; if (diff < 0) diff = -diff
    tag = (diff > rel * want + abs) ? "WARNING " : ""
    printf "netem: %s%s -> %s: measured RTT %.2f ms, expected %.2f ms (base %.2f + configured %s), lost %d/%d\n", tag, h, d, m, want, b, e, l, s }'
}
if command -v fping >/dev/null; then
${checks}
else
  echo "netem: WARNING fping is not installed on $HOST: shaping not validated"
fi`;
}

/** Removes every tree this project created on the host, restores offloads; other qdiscs are untouched. */
export function tcRemoveScript(host: string): string {
  return String.raw`${PRELUDE}
for dev in $(devices); do remove_tree "$dev"; done
rm -f "$STATE/rules" "$STATE/status"
echo "netem: ${host.replace(/[^A-Za-z0-9._-]/g, "")} left unshaped"
`;
}
