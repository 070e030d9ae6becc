import { InvalidArgumentError } from "commander";

/** A commander option parser for whole numbers of at least `min` (counts, seconds). */
export const wholeNumber = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
  return n;
};
