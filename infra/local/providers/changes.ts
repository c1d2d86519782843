import { canonicalJson } from "../../config/fingerprint";

/** Keys whose values differ between old state and new inputs, compared as canonical JSON. */
export function changedKeys<T extends object>(
  olds: Partial<T>,
  news: Partial<T>,
  keys: readonly (keyof T)[],
): (keyof T)[] {
  return keys.filter((key) => canonicalJson(olds[key]) !== canonicalJson(news[key]));
}
