import * as pulumi from "@pulumi/pulumi";
import { DeferredGraph } from "../../components/deferredGraph";

const fake = (name: string) => ({ name }) as unknown as pulumi.Resource;

test("a key asked for before it is registered resolves when it is", async () => {
  const g = new DeferredGraph();
  const early = g.get("step:p1.prepare.h1");
  const r = fake("r");
  g.set("step:p1.prepare.h1", r);
  g.seal();
  await expect(early).resolves.toBe(r);
  await expect(g.get("step:p1.prepare.h1")).resolves.toBe(r);
});

test("a key nobody provides fails with its name at seal, before or after", async () => {
  const g = new DeferredGraph();
  const waiting = g.get("service:cloud.kafka.2.leader.1");
  g.seal();
  await expect(waiting).rejects.toThrow("nothing in the program provides service:cloud.kafka.2.leader.1");
  await expect(g.get("step:late")).rejects.toThrow("nothing in the program provides step:late");
});

test("a key registered twice, or after seal, is a program error", () => {
  const g = new DeferredGraph();
  g.set("k", fake("a"));
  expect(() => g.set("k", fake("b"))).toThrow("registered twice");
  g.seal();
  expect(() => g.set("other", fake("c"))).toThrow("after seal");
});
