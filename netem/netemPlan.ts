import { NetworkRule, Plan } from "../planner/planTypes";

/** EnOSlib's default rate when an entry gives only delay or loss. */
export const DEFAULT_RATE = "10gbit";
const MTU_BITS = 1500 * 8;
/** netem's own default queue length; never go below it. */
const NETEM_MIN_LIMIT = 1000;
/**
 * htb derives a class's quantum from rate / r2q (10) and, outside 1000..200000 bytes, clamps it with a
 * warning (`quantum of class ... is big` at 1gbit). The project gives it explicitly: one full Ethernet frame
 * at least, the kernel's upper bound at most. With rate == ceil no class borrows, so the value does not
 * change what is shaped.
 */
const HTB_QUANTUM = { min: 1514, max: 200_000, r2q: 10 };

/** One destination's shaping on one host: an htb class, a netem child when delay or loss is asked, a filter. */
export interface ShapedDestination {
  /** tc minor id (hex) of the class and u32 node id of the filter: stable per destination host. */
  classMinor: string;
  /** Major handle (hex) of the netem child qdisc. */
  netemMajor: string;
  destinationHost: string;
  destinationAddress: string;
  rate: string;
  /** htb quantum in bytes (see HTB_QUANTUM). */
  quantum: number;
  /** `delay 50ms loss 5% limit 1000`, or empty when the entry gives only a rate. */
  netemArgs: string;
  /** For validation: the one-way delay this direction adds, and what the measured RTT should grow by. */
  delayMs: number;
  expectedRttIncreaseMs: number;
  /** `<src>-<dst>-<symmetric|asymmetric>`, E2Clab's network-validate folder name of the entry. */
  validateDir: string;
}

/** What NetemLink applies on one host. */
export interface HostShaping {
  host: string;
  destinations: ShapedDestination[];
}

/**
 * netem's queue must hold what the link carries during the delay, or it drops packets the scenario never
 * asked to lose: at least rate x delay / MTU packets, with 50% headroom for bursts.
 */
export function netemLimit(rateBps: number, delayMs: number): number {
  return Math.max(NETEM_MIN_LIMIT, Math.ceil((1.5 * rateBps * (delayMs / 1000)) / MTU_BITS));
}

/** htb's own rate / r2q, kept within the bounds the kernel accepts without a warning. */
export function htbQuantum(rateBps: number): number {
  return Math.min(HTB_QUANTUM.max, Math.max(HTB_QUANTUM.min, Math.round(rateBps / 8 / HTB_QUANTUM.r2q)));
}

/**
 * Per-host shaping from the plan's rules. Ids derive from the destination's position in the plan's host
 * list, so they stay put when network.yaml changes: a changed value is a `tc ... replace` of the same
 * class, and a removed entry removes exactly its classes.
 */
export function hostShaping(plan: Plan): HostShaping[] {
  const index = new Map(plan.hosts.map((h, i) => [h.name, i]));
  const byHost = new Map<string, ShapedDestination[]>();
  for (const r of plan.network) {
    const i = index.get(r.destinationHost)!;
    const list = byHost.get(r.host) ?? [];
    list.push(shapedDestination(r, i));
    byHost.set(r.host, list);
  }
  return plan.hosts.filter((h) => byHost.has(h.name)).map((h) => ({ host: h.name, destinations: byHost.get(h.name)! }));
}

function shapedDestination(r: NetworkRule, hostIndex: number): ShapedDestination {
  const rateBps = r.rateBps ?? 10e9;
  const netem: string[] = [];
  if (r.delayMs !== undefined && r.delayMs > 0) netem.push(`delay ${r.delay}`);
  if (r.lossPercent !== undefined && r.lossPercent > 0) netem.push(`loss ${r.loss}`);
  if (netem.length) netem.push(`limit ${netemLimit(rateBps, r.delayMs ?? 0)}`);
  const delayMs = r.delayMs ?? 0;
  return {
    classMinor: (0x10 + hostIndex).toString(16),
    netemMajor: (0x100 + hostIndex).toString(16),
    destinationHost: r.destinationHost,
    destinationAddress: r.destinationAddress,
    rate: r.rate ?? DEFAULT_RATE,
    quantum: htbQuantum(rateBps),
    netemArgs: netem.join(" "),
    delayMs,
    // Only this direction is delayed unless the entry is symmetric, in which case the reply is too.
    expectedRttIncreaseMs: r.symmetric ? 2 * delayMs : delayMs,
    validateDir: `${r.src}-${r.dst}-${r.symmetric ? "symmetric" : "asymmetric"}`,
  };
}
