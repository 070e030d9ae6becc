import { identifier } from "./names";

const testbedBlock = { type: "object", expected: "a mapping of the testbed's reservation settings" } as const;

export const layersServicesSchema = {
  type: "object",
  required: ["environment", "layers"],
  additionalProperties: false,
  properties: {
    environment: {
      type: "object",
      required: ["job_name", "walltime"],
      additionalProperties: false,
      properties: {
        job_name: { type: "string", minLength: 1, expected: "a non-empty job name" },
        walltime: {
          type: "string",
          pattern: "^\\d{1,3}:[0-5]\\d:[0-5]\\d$",
          expected: 'a duration written "hh:mm:ss", such as "01:30:00"',
        },
        cluster: { type: "string" },
        g5k: testbedBlock,
        iotlab: testbedBlock,
        chameleon_cloud: testbedBlock,
        chameleon_edge: testbedBlock,
      },
    },
    monitoring: {
      type: "object",
      required: ["type"],
      additionalProperties: false,
      properties: {
        type: { enum: ["dstat", "tig", "tpg"], expected: "one of: dstat, tig, tpg" },
        options: { type: "string", expected: 'dstat options such as "-m -c -n"' },
        provider: { type: "string" },
        network: { type: "string" },
        ipv: { enum: [4, 6] },
      },
    },
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
