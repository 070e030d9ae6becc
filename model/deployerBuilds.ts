import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** How one image is built on a host (`imageSource: build`), as docker/build.sh staged it on the deployer. */
export interface BuildContext {
  /** The staged context folder: its Dockerfile and everything it copies. */
  dir: string;
  /** Build arguments besides BASE (e.g. the apps image's NODE_VERSION). */
  buildArgs: Record<string, string>;
  /**
   * Hash of everything the build depends on: every file of the context (path, executable bit, content),
   * the build arguments and the base image's ID. A host whose image carries the same `e2c.inputs` label
   * builds nothing; any change builds again on the hosts that use the image.
   */
  inputs: string;
}

export interface DeployerBuilds {
  baseImage: string;
  /** The base image's ID in the deployer's engine; undefined when it is not there. */
  baseImageId?: string;
  /** By image; undefined where nothing is staged for it. */
  contexts: Record<string, BuildContext | undefined>;
  /** `<contextsDir>/contexts.tsv`, named in errors. */
  index: string;
}

/**
 * The build contexts of `images` listed in `<contextsDir>/contexts.tsv` (written by docker/build.sh:
 * `image <tab> context folder <tab> KEY=VALUE ...`), read once when the program is evaluated, like the
 * stack's config and the deployer's image IDs.
 */
export function deployerBuilds(images: string[], contextsDir: string, baseImage: string): DeployerBuilds {
  const index = path.join(contextsDir, "contexts.tsv");
  const listed = new Map<string, { dir: string; buildArgs: Record<string, string> }>();
  if (fs.existsSync(index)) {
    for (const line of fs.readFileSync(index, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const [image, dir, args = ""] = line.split("\t");
      const buildArgs = Object.fromEntries(
        args
          .split(/\s+/)
          .filter((a) => a.includes("="))
          .map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]),
      );
      listed.set(image, { dir: path.resolve(contextsDir, dir), buildArgs });
    }
  }
  const r = spawnSync("docker", ["image", "inspect", "-f", "{{.Id}}", baseImage], { encoding: "utf8", timeout: 30_000 });
  const baseImageId = r.status === 0 ? r.stdout.trim() : undefined;
  const contexts: Record<string, BuildContext | undefined> = {};
  for (const image of new Set(images)) {
    const c = listed.get(image);
    contexts[image] =
      c && fs.existsSync(path.join(c.dir, "Dockerfile")) ? { ...c, inputs: buildInputs(c.dir, { ...c.buildArgs, BASE: baseImage }, baseImageId ?? "absent") } : undefined;
  }
  return { baseImage, baseImageId, contexts, index };
}

/** The hash of a context folder, its build arguments and its base image's ID (see BuildContext.inputs). */
export function buildInputs(dir: string, buildArgs: Record<string, string>, baseImageId: string): string {
  const h = createHash("sha256");
  h.update(`base\0${baseImageId}\0`);
  for (const k of Object.keys(buildArgs).sort()) h.update(`arg\0${k}=${buildArgs[k]}\0`);
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    for (const name of fs.readdirSync(abs).sort()) {
      const r = path.posix.join(rel, name);
      const st = fs.lstatSync(path.join(abs, name));
      if (st.isDirectory()) walk(r);
      else if (st.isSymbolicLink()) h.update(`link\0${r}\0${fs.readlinkSync(path.join(abs, name))}\0`);
      else h.update(`file\0${r}\0${st.mode & 0o111 ? "x" : "-"}\0`).update(fs.readFileSync(path.join(abs, name))).update("\0");
    }
  };
  walk("");
  return `sha256:${h.digest("hex")}`;
}
