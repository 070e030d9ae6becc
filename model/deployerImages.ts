import { spawnSync } from "child_process";

/**
 * The ID of each image in this machine's Docker engine, undefined where it is missing (or where there is
 * no engine). Read once when the program is evaluated, like the stack's config: a new build of an image
 * has another ID, which sends it again to the hosts that use it.
 */
export function deployerImageIds(names: string[]): Record<string, string | undefined> {
  const ids: Record<string, string | undefined> = {};
  for (const name of new Set(names)) {
    const r = spawnSync("docker", ["image", "inspect", "-f", "{{.Id}}", name], { encoding: "utf8", timeout: 30_000 });
    ids[name] = r.status === 0 ? r.stdout.trim() : undefined;
  }
  return ids;
}
