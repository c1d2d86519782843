import { ResourceValidationPolicy } from "@pulumi/policy";
import { configString, configStrings } from "./lib/config-values";
import { validateTypes } from "./lib/policy";
import { asArray, asString, at, isRecord, isUnknown } from "./lib/plain";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";
import { SECRET_KEY_WORDS } from "../infra/config/patterns";

/** Names that usually hold a secret; secretNames from the fleet config are added to these. */
/** The same words the config validation refuses in plain text (infra/config/patterns.ts). */
export const DEFAULT_SECRET_KEY_PATTERN = SECRET_KEY_WORDS;

/** Values that are credentials whatever they are called: PEM private keys, AWS access keys. */
const SECRET_VALUE = /-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(AKIA|ASIA)[0-9A-Z]{16}\b/;

interface SecretMatcher {
  readonly name: (key: string) => boolean;
}

function secretMatcher(config: object): SecretMatcher {
  const pattern = new RegExp(
    configString(config, "secretKeyPattern") ?? DEFAULT_SECRET_KEY_PATTERN,
    "i",
  );
  const names = new Set(configStrings(config, "secretNames").map((n) => n.toLowerCase()));
  return { name: (key) => pattern.test(key) || names.has(key.toLowerCase()) };
}

/**
 * Secrets live in Secrets Manager, SSM SecureStrings or Kubernetes Secrets. A secret-looking
 * value in a plain SSM String, a container's literal env, a ConfigMap or user data is readable
 * by anyone who can read that resource, whatever Pulumi's own state encryption does.
 */
export const noPlaintextSecrets: ResourceValidationPolicy = {
  name: POLICY.noPlaintextSecrets,
  description:
    "Secret-looking values are never stored as plain SSM Strings, literal env vars, ConfigMaps or user data.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      secretNames: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Declared secret names (fleet config secretNames); any key equal to one is a secret.",
      },
      secretKeyPattern: {
        type: "string",
        default: DEFAULT_SECRET_KEY_PATTERN,
        description: "Case-insensitive regular expression for key names that hold secrets.",
      },
    },
  },
  validateResource: validateTypes(
    [
      TYPES.ssmParameter,
      TYPES.rollout,
      TYPES.deployment,
      TYPES.configMap,
      TYPES.launchTemplate,
      TYPES.instance,
    ],
    (resource, args, report) => {
      const matcher = secretMatcher(args.getConfig());
      const { props } = resource;
      switch (resource.type) {
        case TYPES.ssmParameter:
          return checkParameter(props.name, props.type, props.value, matcher, report);
        case TYPES.configMap:
          return checkConfigMap(props.data, matcher, report);
        case TYPES.launchTemplate:
        case TYPES.instance:
          return checkUserData(props.userData, matcher, report);
        default:
          return checkContainers(at(props, "spec", "template", "spec"), matcher, report);
      }
    },
  ),
};

function checkParameter(
  name: unknown,
  type: unknown,
  value: unknown,
  matcher: SecretMatcher,
  report: (m: string) => void,
): void {
  if (type === "SecureString" || isUnknown(type)) return;
  const path = asString(name) ?? "";
  const secretSegment = path.split("/").find((segment) => segment !== "" && matcher.name(segment));
  if (secretSegment !== undefined) {
    report(
      `SSM parameter ${path} looks like a secret ("${secretSegment}") but is a plain ${String(type ?? "String")}; use SecureString or Secrets Manager.`,
    );
    return;
  }
  const text = asString(value);
  if (text === undefined) return;
  const key = secretKeysIn(text, matcher)[0];
  if (key !== undefined) {
    report(
      `SSM parameter ${path} holds a value for "${key}" in plain ${String(type ?? "String")}; move it to Secrets Manager.`,
    );
  } else if (SECRET_VALUE.test(text)) {
    report(
      `SSM parameter ${path} holds what looks like a key or credential in plain ${String(type ?? "String")}.`,
    );
  }
}

/** Keys with a non-empty string value anywhere in a JSON document. */
function secretKeysIn(text: string, matcher: SecretMatcher): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (isRecord(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (typeof inner === "string" && inner !== "" && matcher.name(key)) found.push(key);
        walk(inner);
      }
    }
  };
  walk(parsed);
  return found;
}

function checkConfigMap(data: unknown, matcher: SecretMatcher, report: (m: string) => void): void {
  if (!isRecord(data)) return;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string" && value !== "" && matcher.name(key)) {
      report(`ConfigMap key "${key}" looks like a secret; put it in a Kubernetes Secret.`);
    }
  }
}

function checkContainers(
  podSpec: unknown,
  matcher: SecretMatcher,
  report: (m: string) => void,
): void {
  const containers = [
    ...asArray(at(podSpec, "containers")),
    ...asArray(at(podSpec, "initContainers")),
  ];
  for (const container of containers) {
    for (const env of asArray(at(container, "env"))) {
      const name = asString(at(env, "name"));
      const value = at(env, "value");
      if (name !== undefined && typeof value === "string" && value !== "" && matcher.name(name)) {
        report(
          `container ${String(at(container, "name") ?? "?")} sets env ${name} to a literal value; ` +
            "use valueFrom.secretKeyRef.",
        );
      }
    }
  }
}

/** KEY=value lines of a boot script (base64 or plain). */
function checkUserData(
  userData: unknown,
  matcher: SecretMatcher,
  report: (m: string) => void,
): void {
  const raw = asString(userData);
  if (raw === undefined) return;
  const text = /^[A-Za-z0-9+/=\s]+$/.test(raw) ? Buffer.from(raw, "base64").toString("utf8") : raw;
  for (const match of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\S+)/gm)) {
    if (matcher.name(match[1])) {
      report(
        `userData sets ${match[1]} in plain text; read it from Secrets Manager at boot instead.`,
      );
    }
  }
}
