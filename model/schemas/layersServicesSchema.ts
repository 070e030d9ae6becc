import { identifier } from "./names";

const walltime = {
  type: "string",
  pattern: "^\\d{1,3}:[0-5]\\d:[0-5]\\d$",
  // PyYAML reads an unquoted 1:30:00 as the number 5400 (base 60); 01:30:00 stays a string.
  expected: 'a duration written "hh:mm:ss", such as 01:30:00 (an unquoted 1:30:00 is the number 5400 in YAML 1.1: write 01:30:00 or quote it)',
} as const;
const jobName = { type: "string", minLength: 1, expected: "a non-empty job name" } as const;

/** A testbed's reservation block, as E2Clab 3.7's schema allows it: parsed and kept, no reservation here. */
const testbedBlock = {
  type: "object",
  expected: "a mapping of the testbed's reservation settings",
  properties: { job_name: jobName, walltime, cluster: { type: "string" } },
} as const;

/** E2Clab's testbeds by its spellings (`chameleoncloud`), and this project's older ones (`chameleon_cloud`). */
export const TESTBEDS = ["g5k", "iotlab", "chameleoncloud", "chameleonedge", "scalewayinstances", "chameleon_cloud", "chameleon_edge"] as const;

/** Service managers E2Clab 3.7 knows besides monitoring; parsed and kept, not deployed here. */
const managerBlock = { type: "object", expected: "a mapping of the manager's settings" } as const;

export const layersServicesSchema = {
  type: "object",
  required: ["environment", "layers"],
  additionalProperties: false,
  properties: {
    environment: {
      type: "object",
      additionalProperties: false,
      properties: {
        job_name: jobName,
        walltime,
        cluster: { type: "string" },
        ...Object.fromEntries(TESTBEDS.map((t) => [t, testbedBlock])),
      },
    },
    monitoring: {
      type: "object",
      required: ["type"],
      additionalProperties: false,
      properties: {
        type: { enum: ["dstat", "tig", "tpg"], expected: "one of: dstat, tig, tpg" },
        options: { type: "string", expected: 'dstat options such as "-m -c -n"' },
        provider: { enum: ["g5k", "chameleoncloud"], expected: "one of: g5k, chameleoncloud" },
        cluster: { type: "string" },
        servers: { type: "array" },
        network: { enum: ["shared", "private"], expected: "one of: shared, private" },
        agent_conf: { type: "string" },
        ipv: { enum: [4, 6] },
      },
    },
    provenance: managerBlock,
    monitoring_iotlab: managerBlock,
    kwollect: managerBlock,
    layers: {
      type: "array",
      minItems: 1,
      expected: "a list of layers, each {name, services}",
      items: {
        type: "object",
        required: ["name", "services"],
        additionalProperties: false,
        properties: {
          name: identifier,
          services: {
            type: "array",
            minItems: 1,
            expected: "a non-empty list of services",
            items: {
              type: "object",
              required: ["name"],
              // Any other key of a service is metadata (E2Clab keeps it for the service implementation).
              additionalProperties: true,
              properties: {
                name: identifier,
                quantity: { type: "integer", minimum: 1, expected: "a whole number of hosts, at least 1" },
                repeat: { type: "integer", minimum: 0, expected: "a whole number of extra copies, 0 or more" },
                roles: { type: "array", items: { type: "string" }, expected: "a list of role names" },
                env: {
                  type: "object",
                  additionalProperties: { type: ["string", "number", "boolean"] },
                  expected: "a mapping of variable names to strings or numbers",
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
