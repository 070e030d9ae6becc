import { identifier, selector } from "./names";

const templated = { type: "string", minLength: 1 } as const;

const task = {
  type: "object",
  additionalProperties: false,
  expected: "a task with one of debug, shell, copy, fetch",
  properties: {
    name: { type: "string" },
    debug: {
      type: "object",
      required: ["msg"],
      additionalProperties: false,
      properties: { msg: { type: "string" } },
    },
    shell: { ...templated, expected: "the command line to run, as a string" },
    copy: {
      type: "object",
      required: ["src", "dest"],
      additionalProperties: false,
      properties: { src: templated, dest: templated, mode: { type: ["string", "integer"] } },
    },
    fetch: {
      type: "object",
      required: ["src", "dest"],
      additionalProperties: false,
      properties: {
        src: templated,
        dest: templated,
        validate_checksum: { type: "boolean" },
        flat: { type: "boolean" },
      },
    },
    loop: {
      type: ["array", "string"],
      expected: 'a list, or a Jinja expression such as "{{ range(1, 41)|list }}"',
    },
    async: { type: "integer", minimum: 1, expected: "the time limit in seconds, at least 1" },
    poll: { type: "integer", minimum: 0, expected: "a poll interval in seconds, 0 to detach" },
  },
} as const;

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
