import { UnknownValueError } from "@pulumi/policy";

/**
 * Marks a value the engine cannot know yet (during preview, e.g. the ARN of a resource that
 * does not exist). Checks treat it as "cannot tell" and skip, never as a pass or a failure.
 */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export type PlainRecord = { readonly [key: string]: unknown };

/**
 * Copies resource properties into plain data. The engine hands policies a proxy that throws
 * on every unknown value; reading through it field by field would abort a whole policy on
 * the first unknown, so we snapshot once and mark unknowns instead.
 */
export function toPlain(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) items.push(read(() => toPlain(value[i], depth + 1)));
    return items;
  }
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    result[key] = read(() => toPlain(record[key], depth + 1));
  }
  return result;
}

function read(get: () => unknown): unknown {
  try {
    return get();
  } catch (error) {
    if (error instanceof UnknownValueError) return UNKNOWN;
    throw error;
  }
}

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

export function isRecord(value: unknown): value is PlainRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at a path of keys and indexes; undefined when absent, UNKNOWN when unknowable. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (isUnknown(current)) return UNKNOWN;
    if (typeof part === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[part];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[part];
    }
  }
  return current;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Numbers, and numeric strings (the AWS provider takes some numbers as strings). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** AWS takes some booleans as strings ("true"); both mean the same. */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** Strings of a list, skipping unknown entries. */
export function stringsOf(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === "string");
}
