/** One thing wrong with the configuration: which key, what it held, and what is allowed. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: unknown;
  readonly allowed: string;
}

/**
 * Every problem found in a stack's configuration, reported together so that a user fixes them
 * in one pass. Thrown before any resource is registered.
 */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigValidationError";
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key} = ${describeValue(p.value)}: ${p.allowed}`);
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return [`Invalid outpost-fleet configuration (${count}):`, ...lines].join("\n");
}
