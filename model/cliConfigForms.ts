/**
 * `pulumi config set` (and the Automation API's setConfig/setAllConfig, which call it) stores every
 * scalar as a string: `edge2cloud:duration: "60"`, `allowMissingNetem: "true"`, and `--path` writes nested
 * values the same way. The program reads numbers and booleans as `pulumi.Config.getNumber/getBoolean` do:
 * a string that reads as one is that value. Anything else is left as written, so the schema check still
 * reports it at its file:line:col ("wrong type ... (got "sixty")").
 */
interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function fromCliString(value: string, type: string | string[] | undefined): unknown {
  const types = Array.isArray(type) ? type : type ? [type] : [];
  if (types.includes("string")) return value;
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  if (types.includes("integer") && INTEGER.test(value)) return Number(value);
  if (types.includes("number") && NUMBER.test(value)) return Number(value);
  return value;
}

/** Returns `value` with CLI-written strings turned into the numbers and booleans the schema expects. */
export function readCliForms(value: unknown, schema: SchemaNode): unknown {
  if (typeof value === "string") return fromCliString(value, schema.type);
  if (Array.isArray(value)) return schema.items ? value.map((v) => readCliForms(v, schema.items!)) : value;
  if (value && typeof value === "object") {
    const extra = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        const sub = schema.properties?.[k] ?? extra;
        return [k, sub ? readCliForms(v, sub) : v];
      }),
    );
  }
  return value;
}
