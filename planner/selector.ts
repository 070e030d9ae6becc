/**
 * E2Clab service selectors: dotted segments matched against the leading segments of a service id,
 * case-insensitively, `*` matching any one segment. `cloud` selects every cloud service;
 * `cloud.kafka.*.leader` selects `cloud.kafka.2.leader.1`.
 */
export class Selector {
  private readonly segments: string[];

  constructor(readonly text: string) {
    this.segments = text.toLowerCase().split(".");
  }

  matches(id: string): boolean {
    const parts = id.toLowerCase().split(".");
    if (this.segments.length > parts.length) return false;
    return this.segments.every((s, i) => s === "*" || s === parts[i]);
  }

  select<T extends { id: string }>(items: readonly T[]): T[] {
    return items.filter((x) => this.matches(x.id));
  }
}
