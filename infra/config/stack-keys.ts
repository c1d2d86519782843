/**
 * The keys a stack file may hold under `outpost-fleet:`, in one place. Pulumi.yaml declares
 * the same keys (a test holds the two together); adding a stack key is one line here and its
 * declaration there. Any other key in the namespace is refused, so a misspelled key fails
 * instead of being silently dropped.
 */
export const STACK_KEYS = {
  target: "string",
  regionGroup: "string",
  environment: "string",
  certificateArn: "string",
  serviceDomain: "string",
  release: "object",
  outposts: "array",
  deployment: "object",
  allowMultipleVpcs: "boolean",
  overrides: "object",
  secrets: "object",
  localFaults: "object",
  /** The control-plane stack only (target: control): infra/control/control-config.ts. */
  control: "object",
} as const satisfies Record<string, StackKeyType>;

/**
 * The default of each key in Pulumi.yaml (a test holds the two together). Pulumi requires a
 * value for every declared key without a default on every stack, and fleet and control stacks
 * set different keys, so every key has one; the engine hands the defaults to the program.
 */
export const STACK_KEY_DEFAULTS = {
  target: "aws",
  regionGroup: "",
  environment: "",
  certificateArn: "",
  serviceDomain: "",
  release: {},
  outposts: [],
  deployment: {},
  allowMultipleVpcs: false,
  overrides: {},
  secrets: {},
  localFaults: {},
  control: {},
} as const satisfies Record<StackKey, unknown>;

/**
 * Keys whose default is only a placeholder (one kind of stack has no use for them): the entry
 * point drops them when they hold it, so validation sees them as unset, as in the stack file.
 */
export const PLACEHOLDER_KEYS: readonly StackKey[] = [
  "regionGroup",
  "environment",
  "certificateArn",
  "serviceDomain",
  "release",
  "outposts",
  "control",
];

/** Whether a value is the key's Pulumi.yaml default (plain JSON values). */
export function isStackKeyDefault(key: string, value: unknown): boolean {
  if (!isStackKey(key)) return false;
  return JSON.stringify(STACK_KEY_DEFAULTS[key]) === JSON.stringify(value);
}

/** How the engine hands a key's value to the program: strings as they are, the rest as JSON. */
export type StackKeyType = "string" | "boolean" | "object" | "array";

export type StackKey = keyof typeof STACK_KEYS;

export function isStackKey(key: string): key is StackKey {
  return Object.prototype.hasOwnProperty.call(STACK_KEYS, key);
}

/** `aws:region` lands in the stack layer as `awsRegion`; it is no key of our namespace. */
export const REGION_LAYER_KEY = "awsRegion";

/**
 * `aws:assumeRoles` (the AWS provider's roles, assumed in order) lands in the stack layer as
 * `awsAssumeRoles`: the last one creates the stack's resources, EKS clusters included.
 */
export const ASSUME_ROLES_LAYER_KEY = "awsAssumeRoles";

/** The AWS provider's keys the stack layer carries, by their layer name. */
export const PROVIDER_LAYER_KEYS: Readonly<Record<string, string>> = {
  [REGION_LAYER_KEY]: "aws:region",
  [ASSUME_ROLES_LAYER_KEY]: "aws:assumeRoles",
};

/** Whether a stack-layer key is one of the AWS provider's (PROVIDER_LAYER_KEYS). */
export function isProviderLayerKey(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(PROVIDER_LAYER_KEYS, key);
}

/** Keys whose values are secrets; they never travel in the stack layer. */
export const SECRETS_KEY = "secrets" satisfies StackKey;
