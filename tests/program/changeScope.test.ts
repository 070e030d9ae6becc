import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeLocalStackCopy } from "../../testbed/localStackCopy";
import { Evaluation, jestLoader, PROJECT_DIR, evaluateProgram } from "./mockProgram";

/**
 * A second `pulumi up` after changing one gateway's setting must touch only that gateway: compare the
 * inputs the program declares before and after (what the engine diffs to decide updates).
 */

function stackVariant(edit: (text: string) => string): string {
  // Each copy in a folder of its own; paths are made absolute so the two copies declare the same.
  return writeLocalStackCopy(PROJECT_DIR, fs.mkdtempSync(path.join(os.tmpdir(), "e2c-change-")), path.join(PROJECT_DIR, "results"), edit);
}

const declared = (ev: Evaluation) => new Map(ev.resources.map((r) => [`${r.type}::${r.name}`, JSON.stringify({ raw: r.raw, deps: [...r.dependencies].sort(), parent: r.parent })]));

test("changing one gateway's SSH port changes only that gateway's resources", async () => {
  const before = declared(await evaluateProgram("local", jestLoader, stackVariant((t) => t)));
  const edited = stackVariant((t) => {
    const line = "    - {name: e2c-fog-2, address: 172.28.5.22, service: fog.mosquitto}";
    if (!t.includes(line)) throw new Error("Pulumi.local.yaml no longer has the e2c-fog-2 line this test edits");
    return t.replace(line, "    - {name: e2c-fog-2, address: 172.28.5.22, port: 2222, service: fog.mosquitto}");
  });
  const after = declared(await evaluateProgram("local", jestLoader, edited));
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.filter((k) => !k.includes("e2c-fog-2"))).toEqual([]);
  // The gateway's own commands did change: its launch step, stop, fetch, finalize and Docker provider.
  expect(changed).toEqual(expect.arrayContaining([expect.stringContaining("p3.launch.e2c-fog-2"), expect.stringContaining("e2c-fog-2-fetch"), expect.stringContaining("e2c-fog-2-docker")]));
}, 120_000);
