/**
 * The Pulumi AWS provider's role config (v7: `aws:assumeRoles`, a list of
 * `config.AssumeRoles` in @pulumi/aws types/output.d.ts).
 */
export const ASSUME_ROLES_KEY = "aws:assumeRoles";

/** The role a stack's AWS provider assumes, and so the one its gates read with. */
export interface StackRole {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
}

// An IAM role ARN in any partition (aws, aws-cn, aws-us-gov):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

/**
 * The role to assume from a stack's config as the engine returns it (namespaced keys, JSON
 * values parsed, secrets masked as "[secret]"). Undefined when the stack assumes no role: its
 * gates read with the driver's own credentials. A shape the gates cannot follow is an error
 * naming the key, never a silent fall back to the driver's account. Pure.
 */
export function stackRoleOf(config: Readonly<Record<string, unknown>>): StackRole | undefined {
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
  if (value.length === 0) return undefined;
  // Several entries are a chain (each assumed with the one before): the gates follow one role.
  if (value.length > 1) {
    throw new Error(
      `${ASSUME_ROLES_KEY} lists ${value.length} roles: the gates assume only one (no role chains)`,
    );
  }
  const entry: unknown = value[0];
  const at = `${ASSUME_ROLES_KEY}[0]`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new Error(`${at} must be a map with a roleArn, got ${JSON.stringify(entry)}`);
  }
  const { roleArn, sessionName, externalId } = entry as Record<string, unknown>;
  if (typeof roleArn !== "string" || !ROLE_ARN.test(roleArn)) {
    throw new Error(`${at}.roleArn must be an IAM role ARN, got ${JSON.stringify(roleArn)}`);
  }
  return {
    roleArn,
    ...optionalString(at, "sessionName", sessionName),
    ...optionalString(at, "externalId", externalId),
  };
}

function optionalString(at: string, name: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === "") return {};
  if (typeof value !== "string") {
    throw new Error(`${at}.${name} must be a string, got ${JSON.stringify(value)}`);
  }
  return { [name]: value };
}
