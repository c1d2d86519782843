import { ConfigProblem } from "./errors";
import { looksLikeSecretKey } from "./patterns";
import {
  isProviderLayerKey,
  isStackKey,
  PROVIDER_LAYER_KEYS,
  SECRETS_KEY,
  STACK_KEYS,
} from "./stack-keys";

/**
 * What the entry point puts in the stack layer instead of a value Pulumi holds as a secret,
 * so that no error message can ever show it.
 */
export const SECRET_VALUE = "[secret]";

/** Keys the stack layer sets itself; `overrides` may not set them. */
export function isStackLevel(key: string): boolean {
  return isStackKey(key) || isProviderLayerKey(key);
}

/** A value a stack file holds as `{secure: ...}` (ciphertext), or the entry point's mark. */
export function isSecureValue(value: unknown): boolean {
  if (value === SECRET_VALUE) return true;
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    "secure" in value
  );
}

const LAYERED_HINT =
  "overrides may set only layered keys (app, loadBalancer, eks, monitoring, ...)";

/**
 * The stack layer's own keys: only those of STACK_KEYS (and the provider's aws:region and
 * aws:assumeRoles), no secure value outside `secrets`, and no stack-level key inside `overrides`.
 */
export function stackKeyProblems(stack: Readonly<Record<string, unknown>>): ConfigProblem[] {
  const known = Object.keys(STACK_KEYS).join(", ");
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(stack)) {
    if (isStackLevel(key)) {
      if (isProviderLayerKey(key) && isSecureValue(value)) {
        problems.push({
          key: PROVIDER_LAYER_KEYS[key],
          value: SECRET_VALUE,
          allowed:
            "is a secure value; the program reads it in plain config (the EKS clusters' kubeconfig names the role)",
        });
      } else if (key !== SECRETS_KEY && isSecureValue(value)) {
        problems.push({
          key: `outpost-fleet:${key}`,
          value: SECRET_VALUE,
          allowed: `is a secure value; only outpost-fleet:${SECRETS_KEY}.<name> holds secrets`,
        });
      }
      continue;
    }
    problems.push(unknownKey(`outpost-fleet:${key}`, key, value, `known stack keys: ${known}`));
  }
  const overrides = stack.overrides;
  if (typeof overrides === "object" && overrides !== null && !Array.isArray(overrides)) {
    for (const [key, value] of Object.entries(overrides)) {
      if (!isStackLevel(key)) continue;
      problems.push({
        key: `outpost-fleet:overrides.${key}`,
        value,
        allowed: `is a stack-level key; set ${PROVIDER_LAYER_KEYS[key] ?? `outpost-fleet:${key}`} itself, ${LAYERED_HINT}`,
      });
    }
  }
  return problems;
}

/**
 * A key nobody declared. One that looks like a credential is reported without its value and
 * pointed to `secrets`, since plain config is stored and shown in plain text.
 */
export function unknownKey(
  fullKey: string,
  key: string,
  value: unknown,
  hint: string,
): ConfigProblem {
  if (isSecureValue(value)) {
    return { key: fullKey, value: SECRET_VALUE, allowed: `is not a known key; ${hint}` };
  }
  if (looksLikeSecretKey(key)) {
    return {
      key: fullKey,
      value: "[hidden]",
      allowed:
        "looks like a secret in plain text; secrets go under outpost-fleet:secrets.<name> as secure values " +
        "(pulumi config set --secret --path 'secrets.<name>' <value>) and are declared in secretNames",
    };
  }
  return { key: fullKey, value, allowed: `is not a known key; ${hint}` };
}
