import * as fs from "fs";
import { Diagnostics } from "./diagnostic";
import { checkSchema } from "./schemaCheck";
import { parseDelayMs, parseLossPercent, parseRateBps } from "./units";
import { YamlSource } from "./yamlSource";

/**
 * A fault scenario (`faults.yaml`): events at given times after launch, to study what the system does
 * under them. Checked like the scenario files: every error at its file:line:col, all at once.
 *
 * ```yaml
 * faults:
 *   - at: 20s                          # seconds after launch (the end of `up`)
 *     host: e2c-fog-1
 *     restart: e2c-fog-1-gateway       # a service container or an application the workflow runs
 *   - at: 30s
 *     host: e2c-cloud-kafka
 *     kill: leader
 *   - at: 40s
 *     network: 1                       # network.yaml entry (0-based): new values, changed in place
 *     rate: 10mbit
 *   - at: 45s
 *     host: e2c-fog-2
 *     link_down: 5s                    # the host's interfaces to the other hosts down for 5 s
 *   - at: 60s
 *     remove_host: e2c-fog-2           # gone as if it lost power: its experiment killed, its network cut
 *   - at: 75s
 *     restore_host: e2c-fog-2          # back: network up, its services and launch tasks started again
 * ```
 */
export type FaultEvent =
  | { line: number; atMs: number; action: "kill" | "restart" | "stop" | "start"; host: string; target: string }
  | { line: number; atMs: number; action: "network"; entry: number; delay?: string; rate?: string; loss?: string }
  | { line: number; atMs: number; action: "link_down"; host: string; forMs: number }
  | { line: number; atMs: number; action: "remove_host"; host: string }
  | { line: number; atMs: number; action: "restore_host"; host: string };

const seconds = { type: "string", pattern: "^\\d+(\\.\\d+)?s$", expected: 'a time in seconds such as "20s"' };
const CONTAINER_ACTIONS = ["kill", "restart", "stop", "start"] as const;
const name = { type: "string", minLength: 1, expected: "a name" };

export const faultSchema = {
  type: "object",
  required: ["faults"],
  additionalProperties: false,
  properties: {
    faults: {
      type: "array",
      expected: "a list of timed events",
      items: {
        type: "object",
        required: ["at"],
        additionalProperties: false,
        properties: {
          at: seconds,
          host: { type: "string", minLength: 1, expected: "a host name of the stack" },
          kill: name,
          restart: name,
          stop: name,
          start: name,
          network: { type: "integer", minimum: 0, expected: "the index of a network.yaml entry (0 is the first)" },
          delay: { type: "string", pattern: "^\\d+(\\.\\d+)?ms$", expected: 'a delay in milliseconds such as "5ms"' },
          rate: { type: "string", pattern: "^\\d+(\\.\\d+)?(kbit|mbit|gbit)$", expected: 'a rate such as "150mbit" (unit kbit, mbit or gbit)' },
          loss: { type: "string", pattern: "^\\d+(\\.\\d+)?%$", expected: 'a loss percentage such as "2%"' },
          link_down: seconds,
          remove_host: { type: "string", minLength: 1, expected: "a host name of the stack" },
          restore_host: { type: "string", minLength: 1, expected: "a host name of the stack" },
        },
      },
    },
  },
} as const;

interface RawEvent {
  at: string;
  host?: string;
  kill?: string;
  restart?: string;
  stop?: string;
  start?: string;
  network?: number;
  delay?: string;
  rate?: string;
  loss?: string;
  link_down?: string;
  remove_host?: string;
  restore_host?: string;
}
const HOST_ACTIONS = ["remove_host", "restore_host"] as const;

/** Reads and checks a fault file; the events are meaningful only when `diags` stays empty. */
export function loadFaultScenario(file: string, diags: Diagnostics): { source: YamlSource; events: FaultEvent[] } | undefined {
  if (!fs.existsSync(file)) {
    diags.add({ location: { file, line: 1, col: 1 }, message: "no such fault scenario file" });
    return undefined;
  }
  const source = YamlSource.read(file);
  if (!source.reportSyntax(diags)) return undefined;
  const raw = source.toJS() as { faults?: RawEvent[] };
  if (!checkSchema(faultSchema, raw, source, diags)) return { source, events: [] };
  const events: FaultEvent[] = [];
  raw.faults!.forEach((e, i) => {
    const where = ["faults", i];
    const line = source.locate(where).line;
    const atMs = Number(e.at.slice(0, -1)) * 1000;
    const containerActions = CONTAINER_ACTIONS.filter((a) => e[a] !== undefined);
    const kinds = [
      ...containerActions,
      ...(e.network !== undefined ? ["network"] : []),
      ...(e.link_down !== undefined ? ["link_down"] : []),
      ...HOST_ACTIONS.filter((a) => e[a] !== undefined),
    ];
    if (kinds.length !== 1) {
      diags.add({ location: source.locate(where), message: `event faults.${i} ${kinds.length ? `has ${kinds.join(" and ")}` : "has no action"}`, expected: "exactly one of: kill, restart, stop, start, network, link_down, remove_host, restore_host" });
      return;
    }
    const misplaced = (keys: (keyof RawEvent)[], why: string) => {
      for (const k of keys) if (e[k] !== undefined) diags.add({ location: source.locateKey(where, k), message: `'${k}' in faults.${i} ${why}` });
    };
    if (kinds[0] === "network") {
      misplaced(["host"], "does not apply to a network change (it applies to every host the entry shapes)");
      if (e.delay === undefined && e.rate === undefined && e.loss === undefined) {
        diags.add({ location: source.locate(where), message: `network change faults.${i} gives no value`, expected: "at least one of delay, rate, loss" });
        return;
      }
      // The units are checked by the schema; parsing here keeps the same rules as network.yaml.
      if (e.delay) parseDelayMs(e.delay);
      if (e.rate) parseRateBps(e.rate);
      if (e.loss) parseLossPercent(e.loss);
      events.push({ line, atMs, action: "network", entry: e.network!, delay: e.delay, rate: e.rate, loss: e.loss });
      return;
    }
    misplaced(["delay", "rate", "loss"], "only applies to a network change");
    if (kinds[0] === "remove_host" || kinds[0] === "restore_host") {
      misplaced(["host"], `is not needed: the host is the value of ${kinds[0]}`);
      const host = e[kinds[0]]!;
      events.push(kinds[0] === "remove_host" ? { line, atMs, action: "remove_host", host } : { line, atMs, action: "restore_host", host });
      return;
    }
    if (e.host === undefined) {
      diags.add({ location: source.locate(where), message: `missing required key 'host' in faults.${i}` });
      return;
    }
    if (kinds[0] === "link_down") events.push({ line, atMs, action: "link_down", host: e.host, forMs: Number(e.link_down!.slice(0, -1)) * 1000 });
    else events.push({ line, atMs, action: kinds[0] as (typeof CONTAINER_ACTIONS)[number], host: e.host, target: e[kinds[0] as (typeof CONTAINER_ACTIONS)[number]]! });
  });
  return { source, events };
}
