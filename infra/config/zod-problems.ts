import { ZodIssue } from "zod";
import { ConfigProblem } from "./errors";
import { PROVIDER_LAYER_KEYS } from "./stack-keys";
import { unknownKey } from "./stack-layer-keys";

/** The value at `keyPath` inside `root`; undefined where the path leads nowhere. */
export function valueAt(root: unknown, keyPath: readonly (string | number)[]): unknown {
  let current: unknown = root;
  for (const part of keyPath) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/**
 * The key a user writes in a stack file: `outpost-fleet:outposts[0].name`, or the AWS
 * provider's own (`aws:region`, `aws:assumeRoles[0].roleArn`).
 */
export function keyName(keyPath: readonly (string | number)[]): string {
  const provider = PROVIDER_LAYER_KEYS[String(keyPath[0])];
  const joined = keyPath
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : index === 0 ? (provider ?? part) : `.${part}`,
    )
    .join("");
  return provider ? joined : `outpost-fleet:${joined}`;
}

export interface IssueWording {
  /** Where a misspelled key can be checked, e.g. docs/configuration.md. */
  readonly docs: string;
  /** What a value that matches no member of a union must be instead. */
  readonly unionAllowed?: string;
}

/**
 * One zod issue as config problems, each with the key, the value and what is allowed: one per
 * unknown key, so every problem names the full key a user has to fix.
 */
export function problemsFromIssue(
  issue: ZodIssue,
  root: unknown,
  wording: IssueWording,
): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) =>
      unknownKey(
        keyName([...issue.path, key]),
        key,
        valueAt(root, [...issue.path, key]),
        `check the spelling against ${wording.docs}`,
      ),
    );
  }
  const value = valueAt(root, issue.path);
  let allowed = issue.message;
  if (issue.code === "invalid_type" && value === undefined)
    allowed = `is required (${issue.expected})`;
  else if (issue.code === "invalid_type")
    allowed = `must be ${issue.expected}, not ${issue.received}`;
  else if (issue.code === "invalid_union" && wording.unionAllowed !== undefined)
    allowed = wording.unionAllowed;
  return [{ key: keyName(issue.path), value, allowed }];
}
