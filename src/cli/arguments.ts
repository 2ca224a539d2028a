/**
 * Commander parsers for option values: strict, so that a typo is a usage error (exit 2) rather
 * than a different run. `Number()` would take `1e2`, `0x10`, ` 7 ` and `1.0` as numbers.
 */
import { InvalidArgumentError } from 'commander';

const DIGITS = /^[0-9]+$/;

/** A whole number of at least 1, written in decimal digits. */
export function positiveInt(value: string): number {
  const n = DIGITS.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1, in decimal digits (e.g. 20000).');
  }
  return n;
}

/** A whole number, 0 or more, written in decimal digits. */
export function nonNegativeInt(value: string): number {
  const n = DIGITS.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a whole number of 0 or more, in decimal digits (e.g. 50000).');
  }
  return n;
}

/** The largest seed: fast-check seeds are 32-bit. */
export const MAX_SEED = 2 ** 32 - 1;

/** A seed: a whole number from 0 to 4294967295, in decimal digits. */
export function seed(value: string): number {
  const n = DIGITS.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_SEED) {
    throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_SEED}, in decimal digits.`);
  }
  return n;
}

/** A path that is not empty: `--junit ''` would otherwise write nothing and say nothing. */
export function nonEmptyPath(value: string): string {
  if (value === '') throw new InvalidArgumentError('expected a path; this one is empty.');
  return value;
}
