import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import { Diagnostics } from "./diagnostic";
import { PathSegment, YamlSource } from "./yamlSource";

/**
 * JSON Schema checking of YAML content, with every error placed at its file:line:col.
 * Schemas may carry an `expected` annotation: the human wording of what a value must look like.
 */
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
ajv.addKeyword({ keyword: "expected", schemaType: "string" });

const compiled = new WeakMap<object, ValidateFunction>();

export function checkSchema(
  schema: object,
  value: unknown,
  source: YamlSource,
  diags: Diagnostics,
  basePath: readonly PathSegment[] = [],
): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return true;
  for (const err of dedupe(validate.errors ?? [])) {
    const path = [...basePath, ...pointerToPath(err.instancePath)];
    diags.add(describe(err, path, source));
  }
  return false;
}

function describe(err: ErrorObject, path: PathSegment[], source: YamlSource) {
  const where = path.length ? path.join(".") : "the document";
  const expected = (err.parentSchema as { expected?: string } | undefined)?.expected;
  const shown = show(err.data);
  switch (err.keyword) {
    case "additionalProperties": {
      const key = (err.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((err.parentSchema as { properties?: object }).properties ?? {});
      return {
        location: source.locateKey(path, key),
        message: `unknown key '${key}' in ${where}`,
        expected: allowed.length ? `one of: ${allowed.join(", ")}` : "no other keys",
      };
    }
    case "required": {
      const key = (err.params as { missingProperty: string }).missingProperty;
      return { location: source.locate(path), message: `missing required key '${key}' in ${where}` };
    }
    case "enum":
      return {
        location: source.locate(path),
        message: `invalid value for ${where}`,
        value: shown,
        expected: expected ?? `one of: ${(err.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`,
      };
    case "type":
      return {
        location: source.locate(path),
        message: `wrong type for ${where}`,
        value: shown,
        expected: expected ?? `a value of type ${(err.params as { type: string | string[] }).type}`,
      };
    default:
      return {
        location: source.locate(path),
        message: `invalid value for ${where}`,
        value: shown,
        expected: expected ?? err.message ?? "a valid value",
      };
  }
}

/** With allErrors, a type error and a pattern error can both point at one value: keep the first. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key =
      e.keyword === "additionalProperties"
        ? `${e.instancePath}#${(e.params as { additionalProperty: string }).additionalProperty}`
        : e.keyword === "required"
          ? `${e.instancePath}#required:${(e.params as { missingProperty: string }).missingProperty}`
          : e.instancePath;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object") return Array.isArray(v) ? "a list" : "a mapping";
  return String(v);
}
