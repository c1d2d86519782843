/**
 * The Pulumi AWS provider's role config (v7: `aws:assumeRoles`, a list of
 * `config.AssumeRoles` in @pulumi/aws types/output.d.ts). Several entries are a chain: the
 * provider assumes each role in turn with the credentials of the one before, the first with
 * its ambient credentials (pulumi-aws v7 role chaining:
 * https://github.com/pulumi/pulumi-aws/pull/5563).
 */
export const ASSUME_ROLES_KEY = "aws:assumeRoles";

/** One role of the chain a stack's AWS provider assumes, and so its gates too. */
export interface StackRole {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
}

/** The roles in the order they are assumed; the last one reads the stack's account. */
export type RoleChain = readonly [StackRole, ...StackRole[]];

// An IAM role ARN in any partition (aws, aws-cn, aws-us-gov):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

// AssumeRole's own constraints on RoleSessionName and ExternalId, so a bad value is named here
// rather than by STS in the middle of a release:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * The roles to assume from a stack's config as the engine returns it (namespaced keys, JSON
 * values parsed, secrets masked as "[secret]"). Undefined when the stack assumes no role: its
 * gates read with the driver's own credentials. A shape the gates cannot follow is an error
 * naming the key, never a silent fall back to the driver's account. Fields that shape only the
 * provider's own session (duration, policies, tags) are left out: the gates' sessions are
 * their own. Pure.
 */
export function stackRoleChainOf(config: Readonly<Record<string, unknown>>): RoleChain | undefined {
  const value = config[ASSUME_ROLES_KEY];
  if (value === undefined || value === null) return undefined;
  if (value === "[secret]") {
    throw new Error(
      `${ASSUME_ROLES_KEY} is a secret: the gates need its roleArn in plain config to assume it`,
    );
  }
  if (!Array.isArray(value)) {
    throw new Error(`${ASSUME_ROLES_KEY} must be a list of roles, got ${JSON.stringify(value)}`);
  }
  const [first, ...rest] = value.map((entry: unknown, i) =>
    roleAt(`${ASSUME_ROLES_KEY}[${i}]`, entry),
  );
  return first === undefined ? undefined : [first, ...rest];
}

function roleAt(at: string, entry: unknown): StackRole {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new Error(`${at} must be a map with a roleArn, got ${JSON.stringify(entry)}`);
  }
  const { roleArn, sessionName, externalId } = entry as Record<string, unknown>;
  if (typeof roleArn !== "string" || !ROLE_ARN.test(roleArn)) {
    throw new Error(`${at}.roleArn must be an IAM role ARN, got ${JSON.stringify(roleArn)}`);
  }
  return {
    roleArn,
    ...optionalString(
      at,
      "sessionName",
      sessionName,
      SESSION_NAME,
      "2 to 64 letters, digits or =,.@_+-",
    ),
    ...optionalString(
      at,
      "externalId",
      externalId,
      EXTERNAL_ID,
      "2 to 1224 letters, digits or =,.@:/_+-",
    ),
  };
}

function optionalString(
  at: string,
  name: string,
  value: unknown,
  pattern: RegExp,
  allowed: string,
): Record<string, string> {
  if (value === undefined || value === null || value === "") return {};
  if (typeof value !== "string") {
    throw new Error(`${at}.${name} must be a string, got ${JSON.stringify(value)}`);
  }
  if (!pattern.test(value)) {
    throw new Error(`${at}.${name} must be ${allowed}, got ${JSON.stringify(value)}`);
  }
  return { [name]: value };
}
