import { selector } from "./names";

export const networkSchema = {
  type: "object",
  required: ["networks"],
  additionalProperties: false,
  properties: {
    networks: {
      type: ["array", "null"],
      expected: "a list of {src, dst, delay, rate, loss, symmetric}",
      items: {
        type: "object",
        required: ["src", "dst"],
        additionalProperties: false,
        properties: {
          src: selector,
          dst: selector,
          delay: { type: "string", pattern: "^\\d+(\\.\\d+)?ms$", expected: 'a delay in milliseconds such as "5ms"' },
          rate: {
            type: "string",
            pattern: "^\\d+(\\.\\d+)?(kbit|mbit|gbit)$",
            expected: 'a rate such as "150mbit" (unit kbit, mbit or gbit)',
          },
          loss: { type: "string", pattern: "^\\d+(\\.\\d+)?%$", expected: 'a loss percentage such as "2%"' },
          symmetric: { type: "boolean", expected: "true or false" },
        },
      },
    },
  },
} as const;
