import * as path from "path";

/**
 * Requires `file` with every module of the project evaluated again (node_modules are kept): a program run
 * twice in one process must declare its resources twice.
 */
export function freshRequire(projectDir: string, file: string): unknown {
  for (const k of Object.keys(require.cache)) {
    if (k.startsWith(projectDir) && !k.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[k];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}
