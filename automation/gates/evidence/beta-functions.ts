/**
 * The special functions the sequential tests need, in log space so that counts in the millions
 * neither overflow nor lose their precision. Pure.
 */

/** Lanczos coefficients (g = 7, n = 9): about 15 significant digits for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** The continued fraction of the incomplete beta function (modified Lentz), for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const maxIterations = 10_000;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) return h;
  }
  throw new Error(`incomplete beta did not converge (x=${x}, a=${a}, b=${b})`);
}

/** ln of I_x(a, b) computed where its continued fraction converges fast. */
function logRegularizedDirect(x: number, a: number, b: number): number {
  const front = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b) - Math.log(a);
  return front + Math.log(betaContinuedFraction(x, a, b));
}

/** ln(1 - e^v) for v <= 0, accurate at both ends. */
function log1mExp(v: number): number {
  if (v > -Math.LN2) return Math.log(-Math.expm1(v));
  return Math.log1p(-Math.exp(v));
}

/**
 * Both tails of the Beta(a, b) distribution at x, as logarithms: ln P(θ <= x) (the regularized
 * incomplete beta I_x(a, b)) and ln P(θ > x). Each is computed directly on the side where the
 * continued fraction converges, so a tail of 1e-200 keeps its digits.
 */
export function logBetaTails(
  x: number,
  a: number,
  b: number,
): { readonly lower: number; readonly upper: number } {
  if (!(a > 0 && b > 0)) throw new RangeError(`Beta tails need a, b > 0, got ${a}, ${b}`);
  if (x <= 0) return { lower: Number.NEGATIVE_INFINITY, upper: 0 };
  if (x >= 1) return { lower: 0, upper: Number.NEGATIVE_INFINITY };
  if (x < (a + 1) / (a + b + 2)) {
    const lower = logRegularizedDirect(x, a, b);
    return { lower, upper: log1mExp(lower) };
  }
  const upper = logRegularizedDirect(1 - x, b, a);
  return { lower: log1mExp(upper), upper };
}
