/** Names that end up inside dotted service ids and selectors: no dots, no wildcards, no spaces. */
export const identifier = {
  type: "string",
  pattern: "^[A-Za-z][A-Za-z0-9_-]*$",
  expected: "a name of letters, digits, '_' or '-', starting with a letter",
} as const;

/** Service selectors as E2Clab writes them: dotted segments, `*` as a wildcard. */
export const selector = {
  type: "string",
  pattern: "^[A-Za-z0-9_*-]+(\\.[A-Za-z0-9_*-]+)*$",
  expected: "a selector such as 'cloud', 'fog.mosquitto.*' or 'cloud.kafka.*.leader'",
} as const;
