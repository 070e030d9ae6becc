import { identifier, selector } from "./names";

// Tasks are checked by model/ansibleTask.ts, which knows Ansible's modules and keywords.
const task = { type: "object", expected: "an Ansible task, such as - shell: \"echo hi\"" } as const;

const phase = { type: ["array", "null"], items: task, expected: "a list of tasks" } as const;

export const dependsOnSchema = {
  type: "object",
  required: ["service_selector", "prefix"],
  additionalProperties: false,
  properties: {
    service_selector: selector,
    grouping: {
      enum: ["round_robin", "address_match", "asarray", "aggregate"],
      expected: "one of: round_robin, address_match, asarray, aggregate",
    },
    prefix: identifier,
    array_info: { enum: ["id", "hostname", "g5k_ipv6_hostname", "ipv6"], expected: "one of: id, hostname, g5k_ipv6_hostname, ipv6" },
  },
} as const;

export const workflowSchema = {
  type: "array",
  minItems: 1,
  expected: "a list of plays, each with hosts and prepare/launch/finalize tasks",
  items: {
    type: "object",
    required: ["hosts"],
    additionalProperties: false,
    properties: {
      hosts: selector,
      // One mapping or a list of them; each is checked against dependsOnSchema on its own path.
      depends_on: { type: ["object", "array"], expected: "a {service_selector, grouping, prefix} mapping or a list of them" },
      prepare: phase,
      launch: phase,
      finalize: phase,
      // Play keywords E2Clab passes on to Ansible and that apply to every task of the play.
      name: { type: "string" },
      vars: { type: "object", expected: "a mapping of variables" },
      become: { type: ["boolean", "string"], expected: "true or false" },
      become_user: { type: "string" },
      environment: { type: ["object", "string"], expected: "a mapping of environment variables" },
      gather_facts: { enum: [false, "no", "false"], expected: "false: facts are known only on the hosts" },
    },
  },
} as const;

/** E2Clab's workflow_env.yaml: configurations by name, each a mapping of variables (`conf_a: {threads: 4}`). */
export const workflowEnvSchema = {
  type: "object",
  expected: "configurations by name, each a mapping of variables, such as conf_a: {threads: 4}",
  additionalProperties: {
    type: "object",
    expected: "a mapping of variable names to strings, numbers or booleans",
    additionalProperties: { type: ["string", "number", "boolean"], expected: "a string, number or boolean" },
  },
} as const;
