/** Names that end up inside dotted service ids and selectors: no dots, no wildcards, no spaces. */
export const identifier = {
  type: "string",
  pattern: "^[A-Za-z][A-Za-z0-9_-]*$",
  expected: "a name of letters, digits, '_' or '-', starting with a letter",
} as const;

/** Service selectors as E2Clab writes them: Ansible host patterns over role names. */
export const selector = {
  type: "string",
  minLength: 1,
  pattern: "^\\S+$",
  expected: "a selector such as 'cloud', 'fog.mosquitto.*', 'cloud.kafka.*.leader', 'fog:edge', 'edge:!edge.producer.1.1' or 'fog[0]'",
} as const;
