import { hostWorkDir, shq } from "./shell";

/**
 * Hosts outlive runs (reserved nodes, the local testbed's bare hosts), and the workflow's data folders with
 * them: a file a workload failed to write in this run would still hold the previous run's records. Each host
 * gets a marker file once it is prepared, before anything of the run starts on it; at destroy the fetch
 * brings home only what was written after it, and records the rest as left by an earlier run.
 */
export function runMarkerPath(experimentId: string): string {
  return `${hostWorkDir(experimentId)}/run-started`;
}

/** Bash run on the host: makes the marker (the host's own clock, so no skew with the files' times). */
export function makeRunMarkerScript(experimentId: string): string {
  return `mkdir -p ${shq(hostWorkDir(experimentId))} && touch ${shq(runMarkerPath(experimentId))}`;
}

/**
 * Bash run on the host: prints, one per line, each of `sources` that exists but holds no file written after
 * the marker. Prints nothing when the marker is missing (nothing to compare with).
 */
export function staleSourcesScript(experimentId: string, sources: string[]): string {
  return [
    `M=${shq(runMarkerPath(experimentId))}`,
    '[ -e "$M" ] || exit 0',
    `for f in ${sources.map(shq).join(" ")}; do`,
    '  if [ -e "$f" ] && [ -z "$(find "$f" -type f -newer "$M" -print -quit 2>/dev/null)" ]; then printf \'%s\\n\' "$f"; fi',
    "done",
    "exit 0",
  ].join("\n");
}
