import { ConfigProblem } from "./errors";
import { ParsedFleetConfig } from "./schema";

/**
 * The secrets a stack was given under `outpost-fleet:secrets`, by name: whether Pulumi holds
 * each as a secure value. Values themselves never come here.
 */
export type SecretInventory = Readonly<Record<string, "secure" | "plaintext">>;

export function secureInventory(names: readonly string[]): SecretInventory {
  return Object.fromEntries(names.map((name) => [name, "secure" as const]));
}

export interface SecretCheck {
  readonly problems: ConfigProblem[];
  /** Declared secrets that have a value: the ones the config store creates. */
  readonly withValues: readonly string[];
  /** Declared secrets without a value (outside production; in production that is an error). */
  readonly missing: readonly string[];
}

function setCommand(name: string): string {
  return `pulumi config set --secret --path 'secrets.${name}' <value>`;
}

/** Secrets must be declared, secure, and, in production, all present. */
export function secretProblems(
  config: ParsedFleetConfig,
  inventory: SecretInventory | undefined,
): SecretCheck {
  const declared = config.secretNames;
  if (inventory === undefined) return { problems: [], withValues: declared, missing: [] };
  const problems: ConfigProblem[] = [];
  for (const [name, kind] of Object.entries(inventory)) {
    const key = `outpost-fleet:secrets.${name}`;
    if (!declared.includes(name)) {
      problems.push({
        key,
        value: "[secret]",
        allowed: `names no declared secret; allowed: ${declared.join(", ")}`,
      });
    } else if (kind === "plaintext") {
      problems.push({
        key,
        value: "[hidden]",
        allowed: `is stored in plain text; set it as a secure value: ${setCommand(name)}`,
      });
    }
  }
  // The local target stores no secrets, so only an AWS stack misses one.
  const missing =
    config.target === "aws" ? declared.filter((name) => inventory[name] === undefined) : [];
  if (config.environment === "production") {
    for (const name of missing) {
      problems.push({
        key: `outpost-fleet:secrets.${name}`,
        value: undefined,
        allowed: `is declared in secretNames but has no value; a production stack needs every secret: ${setCommand(name)}`,
      });
    }
  }
  return {
    problems,
    withValues: declared.filter((name) => inventory[name] !== undefined),
    missing: config.environment === "production" ? [] : missing,
  };
}
