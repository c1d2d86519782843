/** The value at a dot path (`items.0.sku`) of parsed JSON; undefined when any step is missing. */
export function valueAt(json: unknown, field: string): unknown {
  let current: unknown = json;
  for (const key of field.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Missing, null, "", [] or {}: what a `notEmpty` expectation rejects. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}
