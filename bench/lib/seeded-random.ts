/**
 * A seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32), so a simulation
 * gives the same figures on every run, and the samplers the simulations draw from.
 */
export type Random = () => number;

/** Uniform on [0, 1), from `seed`. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Binomial(n, p) by waiting times: the gaps between successes are geometric, so a draw costs
 * one uniform per success (cheap for the small rates a gate judges), and it is exact.
 */
export function binomial(random: Random, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  const logQ = Math.log1p(-p);
  let successes = 0;
  let position = 0;
  for (;;) {
    // 1 - random() is in (0, 1]: the log is finite.
    position += Math.floor(Math.log(1 - random()) / logQ) + 1;
    if (position > n) return successes;
    successes++;
  }
}
