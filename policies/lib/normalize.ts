import { isRecord, isUnknown, UNKNOWN } from "./plain";

/** What may legitimately differ between the two colors' copies of one resource. */
export interface Differences {
  /** The color's own name, e.g. "blue", wherever it appears in a string. */
  readonly color: string;
  /** The version the color runs, wherever it appears in a string. */
  readonly versions: readonly string[];
  /** Keys skipped at any depth (identity, references, size). */
  readonly ignoredKeys: ReadonlySet<string>;
}

const PLACEHOLDER_COLOR = "<color>";
const PLACEHOLDER_VERSION = "<version>";

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A boot script in base64 compares by its text, so a version inside it can be normalized. */
function decodeIfBase64(text: string): string {
  if (text.length < 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return text;
  const decoded = Buffer.from(text, "base64").toString("utf8");
  return /^[\t\n\r -~]+$/.test(decoded) ? decoded : text;
}

function normalizeString(text: string, d: Differences): string {
  let result = decodeIfBase64(text);
  for (const version of d.versions) {
    result = result.replace(
      new RegExp(`(?<![\\w.])${escape(version)}(?![\\w])`, "g"),
      PLACEHOLDER_VERSION,
    );
  }
  return result.replace(new RegExp(`\\b${escape(d.color)}\\b`, "gi"), PLACEHOLDER_COLOR);
}

/** The props with color and version replaced by placeholders and ignored keys dropped. */
export function normalize(value: unknown, d: Differences): unknown {
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value === "string") return normalizeString(value, d);
  if (Array.isArray(value)) return value.map((item) => normalize(item, d));
  if (isRecord(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (d.ignoredKeys.has(key) || key.startsWith("__")) continue;
      result[normalizeString(key, d)] = normalize(inner, d);
    }
    return result;
  }
  return value;
}

/**
 * Paths where two normalized values differ. Unknown values (preview) match anything: we
 * can't tell, and the update's own stack analysis will see them.
 */
export function differences(
  a: unknown,
  b: unknown,
  path = "",
): { path: string; a: unknown; b: unknown }[] {
  if (isUnknown(a) || isUnknown(b)) return [];
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differences(a[key], b[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, i) => differences(item, b[i], `${path}[${i}]`));
  }
  return stableJson(a) === stableJson(b) ? [] : [{ path: path || "(whole)", a, b }];
}

export function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** JSON with sorted keys, so that equal data compares equal whatever the key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}
