import { Diagnostics } from "../model/diagnostic";
import { formatLocation } from "../model/sourceLocation";
import { NetworkDecl } from "../model/scenarioTypes";
import { NetworkRule, PlannedService } from "./planTypes";
import { Selector } from "./selector";

/**
 * Per-host, per-destination shaping from network.yaml, as EnOSlib's NetemHTB sets it: on every host of
 * `src`, egress traffic to every host of `dst` gets the entry's delay, rate and loss; `symmetric` adds the
 * reverse direction with the same values (so the emulated RTT is twice the delay). A host pair constrained
 * by two entries is shaped by the later one, with a warning: E2Clab deploys the entries one after the other
 * and each deploy replaces the source host's earlier tc rules.
 */
export function networkRules(networks: NetworkDecl[], services: PlannedService[], diags: Diagnostics, warnings: string[] = []): NetworkRule[] {
  const rules = new Map<string, NetworkRule & { location: NetworkDecl["location"] }>();
  const hostsOf = (text: string, n: NetworkDecl, key: "src" | "dst") => {
    const matched = new Selector(text).select(services);
    if (matched.length === 0) {
      diags.add({
        location: n.location,
        message: `network ${key} selector matches no service`,
        value: JSON.stringify(text),
        expected: `a layer or service selector such as ${[...new Set(services.map((s) => s.layer))].join(", ")}`,
      });
    }
    const byHost = new Map<string, string>();
    matched.forEach((s) => byHost.set(s.host, s.address));
    return [...byHost].map(([host, address]) => ({ host, address }));
  };

  networks.forEach((n, entry) => {
    const srcs = hostsOf(n.src, n, "src");
    const dsts = hostsOf(n.dst, n, "dst");
    const add = (from: { host: string }, to: { host: string; address: string }, direction: NetworkRule["direction"]) => {
      if (from.host === to.host) return;
      const key = `${from.host}>${to.host}`;
      const prior = rules.get(key);
      if (prior) {
        if (prior.entry === entry) return;
        warnings.push(
          `${formatLocation(n.location)}: traffic from ${from.host} to ${to.host} is also shaped by the network entry at ${formatLocation(prior.location)}; ` +
            `this later entry (${n.src} -> ${n.dst}) wins, as in E2Clab, where each entry's deployment replaces the earlier rules of the source host`,
        );
        rules.delete(key);
      }
      rules.set(key, {
        host: from.host,
        destinationHost: to.host,
        destinationAddress: to.address,
        delay: n.delay,
        rate: n.rate,
        loss: n.loss,
        delayMs: n.delayMs,
        rateBps: n.rateBps,
        lossPercent: n.lossPercent,
        entry,
        direction,
        symmetric: n.symmetric,
        src: n.src,
        dst: n.dst,
        location: n.location,
      });
    };
    for (const s of srcs) for (const d of dsts) add(s, d, "forward");
    if (n.symmetric) for (const d of dsts) for (const s of srcs) add(d, s, "reverse");
  });
  return [...rules.values()].map(({ location: _location, ...rule }) => rule);
}
