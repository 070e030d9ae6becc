import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { NetworkRule } from "../planner/planTypes";
import { RunContext, commandTimeouts, localSshEnvironment } from "./context";
import { recordLossFn } from "./hostScripts";
import { hostWorkDir, shq } from "./shell";
import { SshTarget, localSshPrelude, runRemotely } from "./ssh";

export interface NetemLinkArgs {
  host: SshTarget;
  /** The plan's rules whose source is this host (one direction each). */
  rules: NetworkRule[];
  /** Apply rate shaping only, and record it, where the kernel has no netem (instead of failing). */
  allowMissingNetem: boolean;
  run: RunContext;
}

/** EnOSlib's default when an entry gives no rate. */
const DEFAULT_RATE = "10gbit";
const MTU_BITS = 1500 * 8;

/** One class per destination on the host (rules to the same address from several entries keep the first). */
export interface ShapedDestination {
  address: string;
  destinationHost: string;
  rate: string;
  delayMs?: number;
  lossPercent?: number;
  /** netem queue length: rate x delay with headroom, so the emulated link drops only what `loss` asks. */
  limit: number;
  classMinor: string;
  netemMajor: string;
  entry: number;
}

export function shapedDestinations(rules: NetworkRule[]): ShapedDestination[] {
  const seen = new Set<string>();
  const out: ShapedDestination[] = [];
  for (const r of [...rules].sort((a, b) => a.entry - b.entry || a.destinationAddress.localeCompare(b.destinationAddress))) {
    if (seen.has(r.destinationAddress)) continue;
    seen.add(r.destinationAddress);
    const k = out.length + 1;
    const bdpPackets = r.rateBps && r.delayMs ? Math.ceil(((r.rateBps * r.delayMs) / 1000 / MTU_BITS) * 2) : 0;
    out.push({
      address: r.destinationAddress,
      destinationHost: r.destinationHost,
      rate: r.rateBps ? `${r.rateBps}bit` : DEFAULT_RATE,
      delayMs: r.delayMs,
      lossPercent: r.lossPercent,
      limit: Math.max(1000, bdpPackets),
      classMinor: (k + 1).toString(16),
      netemMajor: (k + 0x100).toString(16),
      entry: r.entry,
    });
  }
  return out;
}

const NETEM_FNS = [
  'STATE="$D/netem"; mkdir -p "$STATE"',
  'resolve4() { case $1 in *[!0-9.]*) getent ahostsv4 "$1" | awk \'NR==1{print $1}\';; *) echo "$1";; esac; }',
  "devof() { ip -4 route get \"$1\" | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1; }",
  // The root htb is ours only if this experiment created it (listed in $STATE/devices); a root qdisc that
  // somebody configured is never replaced. Kernel defaults (mq, fq_codel, pfifo_fast, noqueue) are.
  "ensure_root() {",
  '  grep -qx "$1" "$STATE/devices.new" 2>/dev/null && return 0',
  '  if ! grep -qx "$1" "$STATE/devices" 2>/dev/null; then',
  '    local root; root=$(tc qdisc show dev "$1" root | head -n 1)',
  '    case "$root" in',
  '      ""|"qdisc noqueue"*|"qdisc mq "*|"qdisc fq_codel "*|"qdisc pfifo_fast "*|"qdisc fq "*) ;;',
  '      *) echo "$(hostname): $1 already has a root qdisc not made by this experiment ($root); not replacing it" >&2; exit 1;;',
  "    esac",
  '    $SUDO tc qdisc replace dev "$1" root handle 1: htb || exit 1',
  "  fi",
  // Filters are re-added on every apply: clear ours (prio 1 under our root) once per device.
  '  $SUDO tc filter del dev "$1" parent 1: prio 1 2>/dev/null',
  '  echo "$1" >> "$STATE/devices.new"',
  "}",
  "NETEM_OK=1",
  "netem_child() {",
  '  local out; out=$($SUDO tc qdisc replace dev "$1" parent "1:$2" handle "$3:" netem $4 2>&1) && return 0',
  '  case "$out" in',
  '    *unknown*|*"No such file"*)',
  '      if [ "$ALLOW_MISSING_NETEM" = 1 ]; then NETEM_OK=0; return 0; fi',
  '      echo "$(hostname): the kernel has no netem qdisc (sch_netem): delay and loss cannot be emulated. Set edge2cloud:allowMissingNetem to run with rate shaping only." >&2; exit 1;;',
  '    *) echo "$out" >&2; exit 1;;',
  "  esac",
  "}",
].join("\n");

/**
 * Applies the host's rules (idempotent: every tc call is a `replace`): an htb root per egress device, per
 * destination an htb class with the rate, a netem child with delay/loss, and a u32 filter on the
 * destination address. Classes of destinations no longer in the rules, and roots of devices no longer
 * used, are removed, so an update changes values in place and removes exactly what went away.
 */
export function netemApplyScript(experimentId: string, rules: NetworkRule[], allowMissingNetem: boolean): string {
  const lines = [
    "set -u",
    `D=${shq(hostWorkDir(experimentId))}`,
    'if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi',
    `ALLOW_MISSING_NETEM=${allowMissingNetem ? 1 : 0}`,
    NETEM_FNS,
    '$SUDO modprobe sch_netem 2>/dev/null || true',
    'rm -f "$STATE/devices.new" "$STATE/classes.new"; touch "$STATE/devices" "$STATE/classes"',
  ];
  for (const d of shapedDestinations(rules)) {
    const netem = [d.delayMs !== undefined ? `delay ${d.delayMs}ms` : "", d.lossPercent !== undefined ? `loss ${d.lossPercent}%` : "", `limit ${d.limit}`]
      .filter(Boolean)
      .join(" ");
    lines.push(
      `# ${d.destinationHost} (network.yaml entry ${d.entry + 1})`,
      `ip=$(resolve4 ${shq(d.address)}); [ -n "$ip" ] || { echo "cannot resolve ${d.address}" >&2; exit 1; }`,
      `dev=$(devof "$ip"); [ -n "$dev" ] || { echo "no route to ${d.address} ($ip)" >&2; exit 1; }`,
      'ensure_root "$dev"',
      `$SUDO tc class replace dev "$dev" parent 1: classid 1:${d.classMinor} htb rate ${d.rate} ceil ${d.rate} || exit 1`,
      d.delayMs !== undefined || d.lossPercent !== undefined ? `netem_child "$dev" ${d.classMinor} ${d.netemMajor} ${shq(netem)}` : `: no delay or loss for ${d.address}`,
      `$SUDO tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 match ip dst "$ip"/32 flowid 1:${d.classMinor} || exit 1`,
      `echo "$dev ${d.classMinor}" >> "$STATE/classes.new"`,
    );
  }
  lines.push(
    'touch "$STATE/devices.new" "$STATE/classes.new"',
    // Classes from an earlier apply that are no longer wanted, then devices no longer used at all.
    'grep -vxFf "$STATE/classes.new" "$STATE/classes" | while read -r dev minor; do $SUDO tc class del dev "$dev" classid "1:$minor" 2>/dev/null; done',
    'grep -vxFf "$STATE/devices.new" "$STATE/devices" | while read -r dev; do $SUDO tc qdisc del dev "$dev" root 2>/dev/null; done',
    'mv "$STATE/classes.new" "$STATE/classes"; mv "$STATE/devices.new" "$STATE/devices"',
    'if [ $NETEM_OK = 0 ]; then echo "no netem in this kernel: rate shaping only, no delay or loss" > "$STATE/no-netem"; echo "WARNING: $(hostname): no netem, rate shaping only" >&2; else rm -f "$STATE/no-netem"; fi',
    '{ tc -s qdisc show; while read -r d; do tc -s class show dev "$d"; done < "$STATE/devices"; } > "$STATE/applied.txt" 2>&1',
    `echo "$(hostname): ${shapedDestinations(rules).length} destinations shaped"`,
  );
  return lines.join("\n");
}

/** Removes only the root qdiscs this experiment created (listed in its state), leaving devices as they were. */
export function netemRemoveScript(experimentId: string): string {
  return [
    "set -u",
    `D=${shq(hostWorkDir(experimentId))}`,
    'if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi',
    'STATE="$D/netem"',
    '[ -f "$STATE/devices" ] || exit 0',
    'rc=0; while read -r dev; do $SUDO tc qdisc del dev "$dev" root || rc=1; done < "$STATE/devices"',
    'rm -f "$STATE/devices" "$STATE/classes"',
    "exit $rc",
  ].join("\n");
}

/**
 * The emulated links leaving one host: the plan's NetworkRules for it, applied with tc over SSH from the
 * deployer (create and update apply in place; delete removes only what was created). At destroy it is
 * removed after the host's files are fetched, and an unreachable host is recorded, not fatal.
 */
export class NetemLink extends pulumi.ComponentResource {
  readonly rules: NetworkRule[];
  readonly command: command.local.Command;

  constructor(name: string, args: NetemLinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:network:NetemLink", name, {}, opts);
    this.rules = args.rules;
    const run = args.run;
    const apply = run.experimentId.apply((id) =>
      [
        "set -u",
        localSshPrelude(args.host, run.ssh),
        runRemotely(netemApplyScript(id, args.rules, args.allowMissingNetem), 300),
        "exit $E2C_RC",
      ].join("\n"),
    );
    this.command = new command.local.Command(
      `${name}-tc`,
      {
        create: apply,
        update: apply,
        delete: pulumi.all([run.runDir, run.experimentId]).apply(([runDir, id]) =>
          [
            "set -u",
            recordLossFn(runDir, args.host.name),
            localSshPrelude(args.host, run.ssh),
            runRemotely(netemRemoveScript(id), 300),
            'if [ $E2C_RC -ne 0 ]; then e2c_lost "network emulation rules not removed" "$(e2c_reason $E2C_RC)"; fi',
            "exit 0",
          ].join("\n"),
        ),
        interpreter: ["/bin/bash", "-c"],
        environment: localSshEnvironment(run),
      },
      {
        parent: this,
        dependsOn: [run.keyFile],
        customTimeouts: commandTimeouts("10m"),
        additionalSecretOutputs: ["environment"],
      },
    );
    this.registerOutputs({
      rules: args.rules.map((r) => ({ to: r.destinationHost, delay: r.delay, rate: r.rate, loss: r.loss })),
    });
  }
}
