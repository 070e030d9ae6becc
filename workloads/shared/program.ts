import { Command, CommanderError } from "commander";

/** Exit codes shared by every workload program. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/**
 * Runs a program's main with the lifecycle all workloads share: commander errors exit with
 * EXIT_USAGE; SIGTERM/SIGINT abort `stop` so main can flush what it accepted and return;
 * any thrown error is printed as "<name>: error: <message>" and exits with EXIT_FAILURE.
 */
export function runProgram<O>(
  command: Command,
  argv: string[],
  main: (opts: O, stop: AbortSignal) => Promise<void>,
): void {
  command.exitOverride();
  command.configureOutput({ writeErr: (s) => process.stderr.write(`${command.name()}: ${s}`) });
  try {
    command.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE);
    }
    throw e;
  }
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    console.error(`${command.name()}: ${sig} received, flushing and stopping`);
    stop.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  main(command.opts() as O, stop.signal).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(`${command.name()}: error: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(EXIT_FAILURE);
    },
  );
}

/** Resolves after ms, or early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
