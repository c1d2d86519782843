import { invalidValue } from "../support/user-error";

/** How many stages of a wave move at once after its canary: a count, or a share of the wave. */
export type Concurrency = { readonly count: number } | { readonly percent: number };

export function parseConcurrency(text: string | number, flag = "--concurrency"): Concurrency {
  const value = String(text).trim();
  const allowed = "must be a whole number of Outposts (1 or more) or a percentage like 25%";
  const percent = /^(\d+)%$/.exec(value);
  if (percent) {
    const share = Number(percent[1]);
    if (share < 1 || share > 100) throw invalidValue(flag, value, allowed);
    return { percent: share };
  }
  if (!/^\d+$/.test(value) || Number(value) < 1) throw invalidValue(flag, value, allowed);
  return { count: Number(value) };
}

/** Resolves to a batch size for the stages that follow the canary (at least 1). */
export function resolveConcurrency(concurrency: Concurrency, followers: number): number {
  if ("count" in concurrency) return concurrency.count;
  return Math.max(1, Math.ceil((followers * concurrency.percent) / 100));
}
