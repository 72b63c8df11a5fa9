import { PrintInputError } from "./errors.ts";

/**
 * Boundary checks for print inputs. Each names the field path, so the producer of a bad value is
 * easy to find; values are only read, never normalised here.
 */

export function requireText(value: unknown, path: string, maxLength = 500): string {
  if (typeof value !== "string" || value.trim() === "") throw new PrintInputError(path, "must be non-empty text");
  if (value.length > maxLength) throw new PrintInputError(path, `must be at most ${maxLength} characters`);
  return value;
}

export function optionalText(value: unknown, path: string, maxLength = 500): string | undefined {
  if (value === undefined || value === "") return undefined;
  return requireText(value, path, maxLength);
}

/** Hex digits only (either case), an even count, and exactly `digits` of them when given. */
export function requireHex(value: unknown, path: string, digits?: number): string {
  if (typeof value !== "string" || !/^[0-9a-fA-F]*$/.test(value) || value.length === 0) {
    throw new PrintInputError(path, "must be hex digits (0-9, A-F)");
  }
  if (digits !== undefined && value.length !== digits) {
    throw new PrintInputError(path, `must be ${digits} hex digits, got ${value.length}`);
  }
  if (value.length % 2 !== 0) throw new PrintInputError(path, "must have an even number of hex digits");
  return value;
}

export function requireInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new PrintInputError(path, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** An ISO-8601 date or date-time that Date can read. */
export function requireIsoDate(value: unknown, path: string): Date {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new PrintInputError(path, "must be an ISO-8601 date such as 2025-06-01T09:30:00Z");
  }
  return new Date(value);
}

export function requireArray<T>(value: readonly T[], path: string, min = 0): readonly T[] {
  if (!Array.isArray(value) || value.length < min) {
    throw new PrintInputError(path, min > 0 ? `must list at least ${min} item(s)` : "must be a list");
  }
  return value;
}
