import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makeRunMarkerScript, runMarkerPath, staleSourcesScript } from "../../components/runMarker";

/** The host side of the fetch's freshness check, run with bash on files of known ages. */
describe("run marker: only what a run wrote is brought home as that run's", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-marker-"));
  // The marker lives under /tmp/e2c-<id>; a unique id keeps tests apart.
  const id = `t${process.pid}${Date.now() % 100000}`;
  const at = (file: string, secondsAgo: number) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "x");
    const t = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(file, t, t);
  };
  const stale = (sources: string[]) => execFileSync("bash", ["-c", staleSourcesScript(id, sources)], { encoding: "utf8" }).split("\n").filter(Boolean);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(runMarkerPath(id)), { recursive: true, force: true });
  });

  it("names nothing before the marker exists", () => {
    at(path.join(dir, "old.csv"), 600);
    expect(stale([path.join(dir, "old.csv")])).toEqual([]);
  });

  it("names files and folders with nothing written since the marker, and leaves the rest and missing ones alone", () => {
    at(path.join(dir, "old.csv"), 600);
    at(path.join(dir, "olddir", "a.csv"), 600);
    at(path.join(dir, "mixed", "a.csv"), 600);
    fs.mkdirSync(path.join(dir, "emptydir"), { recursive: true });
    execFileSync("bash", ["-c", makeRunMarkerScript(id)]);
    const marker = new Date(Date.now() - 60_000);
    fs.utimesSync(runMarkerPath(id), marker, marker);
    at(path.join(dir, "new.csv"), 1);
    at(path.join(dir, "mixed", "b.csv"), 1);
    const names = ["old.csv", "olddir", "mixed", "emptydir", "new.csv", "missing.csv", "with space.csv"].map((n) => path.join(dir, n));
    at(names[6], 600);
    expect(stale(names)).toEqual(["old.csv", "olddir", "emptydir", "with space.csv"].map((n) => path.join(dir, n)));
  });
});
