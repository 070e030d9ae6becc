import type { ScalarTag, Tags } from "yaml";

/**
 * Plain scalars read exactly as PyYAML's `yaml.safe_load` (what E2Clab and Ansible use) reads them: its
 * resolver regular expressions (yaml/resolver.py), not YAML 1.1's specification, which differ:
 * - `01:30:00` is a string (base 60 needs a first digit 1-9), `1:30:00` the integer 5400;
 * - `y` and `n` are strings (only yes/no/true/false/on/off are booleans);
 * - `1e3` and `1.5e3` are strings (a float needs a dot, and an exponent needs a sign: `1.5e+3`);
 * - dates stay strings (PyYAML makes `datetime` objects of them, which print the same).
 * A float with a whole value (`4.0`) becomes the JavaScript number 4, which templates print as `4`.
 */
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** PyYAML's construct_yaml_int. */
export function pyyamlInt(text: string): number {
  let s = text.replace(/_/g, "");
  let sign = 1;
  if (s[0] === "-") sign = -1;
  if (s[0] === "-" || s[0] === "+") s = s.slice(1);
  if (s === "0") return 0;
  if (s.startsWith("0b")) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith("0x")) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith("0")) return sign * parseInt(s, 8);
  if (s.includes(":")) return sign * s.split(":").reduce((acc, d) => acc * 60 + Number(d), 0);
  return sign * Number(s);
}

/** PyYAML's construct_yaml_float. */
export function pyyamlFloat(text: string): number {
  let s = text.replace(/_/g, "").toLowerCase();
  let sign = 1;
  if (s[0] === "-") sign = -1;
  if (s[0] === "-" || s[0] === "+") s = s.slice(1);
  if (s === ".inf") return sign * Infinity;
  if (s === ".nan") return NaN;
  if (s.includes(":")) return sign * s.split(":").reduce((acc, d) => acc * 60 + Number(d), 0);
  return sign * Number(s);
}

const scalar = (tag: string, test: RegExp, resolve: (s: string) => unknown, identify: (v: unknown) => boolean): ScalarTag => ({
  tag: `tag:yaml.org,2002:${tag}`,
  default: true,
  test,
  resolve,
  identify,
});

const PYYAML_SCALARS: ScalarTag[] = [
  scalar("null", NULL, () => null, (v) => v === null || v === undefined),
  scalar("bool", BOOL, (s) => /^(?:yes|true|on)$/i.test(s), (v) => typeof v === "boolean"),
  scalar("int", INT, pyyamlInt, (v) => typeof v === "number" && Number.isInteger(v)),
  scalar("float", FLOAT, pyyamlFloat, (v) => typeof v === "number"),
];

const REPLACED = new Set(["null", "bool", "int", "float", "timestamp"].map((t) => `tag:yaml.org,2002:${t}`));

/** The YAML 1.1 schema's tags with the implicit scalars replaced by PyYAML's. */
export function pyyamlTags(tags: Tags): Tags {
  return [...tags.filter((t) => !(typeof t === "object" && REPLACED.has(t.tag))), ...PYYAML_SCALARS];
}
