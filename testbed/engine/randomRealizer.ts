import { randomInt } from "crypto";
import { Realizer } from "./realizer";
import { checkKeys } from "./strictInputs";

/** `random.RandomString`, drawn from the character classes the inputs allow. */
export const randomString: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, ["length", "upper", "lower", "numeric", "number", "special", "keepers", "overrideSpecial", "minUpper", "minLower", "minNumeric", "minSpecial"]);
    const i = r.inputs as Record<string, any>;
    let chars = "";
    if (i.lower !== false) chars += "abcdefghijklmnopqrstuvwxyz";
    if (i.upper !== false) chars += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (i.numeric !== false && i.number !== false) chars += "0123456789";
    if (i.special !== false) chars += i.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?";
    const result = Array.from({ length: Number(i.length) }, () => chars[randomInt(chars.length)]).join("");
    return { ...i, result };
  },
  async delete() {},
};
