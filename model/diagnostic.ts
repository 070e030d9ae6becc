import { SourceLocation, formatLocation } from "./sourceLocation";

/** One problem found in the input: where, what was found, what was expected. */
export interface Diagnostic {
  location: SourceLocation;
  message: string;
  /** The offending value as written, when there is one. */
  value?: string;
  expected?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  let text = `${formatLocation(d.location)}: ${d.message}`;
  if (d.value !== undefined) text += ` (got ${d.value})`;
  if (d.expected !== undefined) text += `; expected ${d.expected}`;
  return text;
}

/** Every error of a run, reported together; thrown before anything is deployed. */
export class ScenarioError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      `${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"} in the scenario:\n` +
        diagnostics.map((d) => "  " + formatDiagnostic(d)).join("\n"),
    );
    this.name = "ScenarioError";
  }
}

/** Collects diagnostics across files so that one run reports all of them. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw new ScenarioError(sortDiagnostics(this.items));
  }
}

/** Files in the order they were read (stack, then the scenario's), each file's errors top to bottom. */
function sortDiagnostics(items: Diagnostic[]): Diagnostic[] {
  const fileOrder = new Map<string, number>();
  items.forEach((d) => fileOrder.has(d.location.file) || fileOrder.set(d.location.file, fileOrder.size));
  return [...items].sort(
    (a, b) =>
      fileOrder.get(a.location.file)! - fileOrder.get(b.location.file)! ||
      a.location.line - b.location.line ||
      a.location.col - b.location.col,
  );
}
