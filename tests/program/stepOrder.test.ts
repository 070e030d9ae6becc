import * as path from "path";
import { checkStepOrder } from "../../components/testbed";
import { planFromFiles } from "../../planner/planFromFiles";
import { Plan } from "../../planner/planTypes";
import { PROJECT_DIR } from "./mockProgram";

/** A plan whose order cannot be realised is refused with the offending steps, never left to hang. */

const seed = (): Plan => planFromFiles({ stackFile: path.join(PROJECT_DIR, "Pulumi.dev.yaml") });
const step = (plan: Plan, prefix: string) => plan.steps.find((s) => s.id.startsWith(prefix))!;

test("the seed's plan is accepted", () => {
  expect(() => checkStepOrder(seed())).not.toThrow();
});

test("a cycle among finalize steps is named", () => {
  const plan = seed();
  const gateway = step(plan, "p3.finalize.");
  const producers = step(plan, "p4.finalize.");
  gateway.after.push(producers.id); // producers already come after their gateways' finalize
  expect(() => checkStepOrder(plan)).toThrow(/wait on each other: .*p[34]\.finalize\..* -> .*p[34]\.finalize\..* -> .*p[34]\.finalize\./);
});

test("a prepare step after a launch step is refused", () => {
  const plan = seed();
  step(plan, "p1.prepare.").after.push(step(plan, "p3.launch.").id);
  expect(() => checkStepOrder(plan)).toThrow(/prepare step p1\.prepare\.\S+ comes after p3\.launch\./);
});

test("an unknown step in an after list is refused", () => {
  const plan = seed();
  step(plan, "p4.launch.").after.push("p9.launch.nowhere");
  expect(() => checkStepOrder(plan)).toThrow("which is not in the plan");
});
