/** What a selector is matched against: a service's id and the other role names E2Clab gives its hosts. */
export interface Selectable {
  id: string;
  layer?: string;
  service?: string;
  roles?: string[];
  vars?: Record<string, unknown>;
}

/**
 * E2Clab's `hosts`, `service_selector`, `src` and `dst`: Ansible host patterns over the role names E2Clab
 * gives hosts (the service id `cloud.kafka.2.leader.1`, the layer `cloud`, the service name, its `L_S` id,
 * its user roles such as `monitoring`), case-insensitively as E2Clab lower-cases patterns:
 * `a:b` / `a,b` (union), `a:&b` (and), `a:!b` (but not), `a[0]`, `a[1:3]`, `a[-1]` (by position among the
 * atom's matches), `~regex` (matched from the start), and shell wildcards (`fog.mosquitto.*`).
 * Extension: an atom also selects the services whose id starts with its dotted segments, `*` standing for
 * one segment, so the seed's `cloud.kafka.*.leader` selects `cloud.kafka.2.leader.1` (Ansible's wildcard
 * must match the whole name, so E2Clab 3.7 would select nothing and skip the play).
 */
export class Selector {
  private readonly parts: { op: "" | "&" | "!"; atom: string }[];

  constructor(readonly text: string) {
    const list = splitPattern(text.trim().toLowerCase());
    const parsed = list.map((p) => (p[0] === "&" || p[0] === "!" ? { op: p[0] as "&" | "!", atom: p.slice(1) } : { op: "" as const, atom: p }));
    // Ansible applies the plain patterns first, then the intersections, then the exclusions.
    this.parts = [...parsed.filter((p) => p.op === ""), ...parsed.filter((p) => p.op === "&"), ...parsed.filter((p) => p.op === "!")];
  }

  matches(item: Selectable): boolean {
    return this.select([item]).length === 1;
  }

  select<T extends Selectable>(items: readonly T[]): T[] {
    let chosen: T[] = [];
    for (const { op, atom } of this.parts) {
      const hit = selectAtom(atom, items);
      if (op === "") chosen = [...chosen, ...hit.filter((x) => !chosen.includes(x))];
      else if (op === "&") chosen = chosen.filter((x) => hit.includes(x));
      else chosen = chosen.filter((x) => !hit.includes(x));
    }
    // Plan order, as the services are numbered.
    return items.filter((x) => chosen.includes(x));
  }
}

/** Ansible splits on commas when there are any, else on colons (not inside brackets or a regex). */
function splitPattern(text: string): string[] {
  const sep = text.includes(",") ? "," : ":";
  const out: string[] = [];
  let cur = "";
  let depth = 0;
  for (const c of text) {
    if (c === "[") depth++;
    if (c === "]") depth--;
    if (c === sep && depth === 0 && !cur.startsWith("~")) {
      if (cur) out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out.map((p) => p.trim()).filter(Boolean);
}

function namesOf(item: Selectable): string[] {
  const id = item.vars?._id;
  const ls = typeof id === "string" ? id.split("_").slice(0, 2).join("_") : undefined;
  return [item.id, item.layer, item.service, ls, ...(item.roles ?? [])].filter((x): x is string => !!x).map((x) => x.toLowerCase());
}

function selectAtom<T extends Selectable>(atom: string, items: readonly T[]): T[] {
  const sub = /^(.*?)\[(-?\d+)(?::(-?\d*))?\]$/.exec(atom);
  const base = sub && !atom.startsWith("~") ? sub[1] : atom;
  let hit: T[];
  if (base.startsWith("~")) {
    const re = new RegExp(base.slice(1), "i");
    hit = items.filter((x) => namesOf(x).some((n) => re.exec(n)?.index === 0));
  } else {
    const glob = globToRegExp(base);
    const segs = base.split(".");
    hit = items.filter((x) => namesOf(x).some((n) => glob.test(n)) || prefixMatch(segs, x.id.toLowerCase().split(".")));
  }
  if (sub && !atom.startsWith("~")) {
    const a = Number(sub[2]);
    const start = a < 0 ? hit.length + a : a;
    if (sub[3] === undefined) return hit[start] === undefined ? [] : [hit[start]];
    // Ansible's [a:b] includes b.
    const end = sub[3] === "" ? hit.length - 1 : Number(sub[3]) < 0 ? hit.length + Number(sub[3]) : Number(sub[3]);
    return hit.slice(start, end + 1);
  }
  return hit;
}

function prefixMatch(segs: string[], parts: string[]): boolean {
  if (segs.length > parts.length) return false;
  return segs.every((s, i) => s === "*" || s === parts[i]);
}

/** Python's fnmatch: `*`, `?`, `[seq]`, `[!seq]`, the whole name. */
function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const j = glob.indexOf("]", i + 1);
      if (j < 0) re += "\\[";
      else {
        let set = glob.slice(i + 1, j);
        if (set.startsWith("!")) set = "^" + set.slice(1);
        re += `[${set.replace(/\\/g, "\\\\")}]`;
        i = j;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^(?:${re})$`, "s");
}
