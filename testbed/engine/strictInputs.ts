/** The harness is strict: an input it does not understand fails the run instead of being ignored. */
export function checkKeys(type: string, name: string, inputs: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(inputs).filter((k) => !known.includes(k) && inputs[k] !== undefined);
  if (unknown.length) throw new Error(`${type} ${name}: the local engine does not understand input(s) ${unknown.join(", ")}`);
}

export function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Error(`${what}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}
