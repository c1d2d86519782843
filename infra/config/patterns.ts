/** Shapes of AWS identifiers, with an example each so error messages can say what is allowed. */
export interface IdPattern {
  readonly regex: RegExp;
  readonly example: string;
}

export const OUTPOST_ARN: IdPattern = {
  regex: /^arn:aws[a-z-]*:outposts:[a-z]{2}(-[a-z]+)+-\d:\d{12}:outpost\/op-[0-9a-f]{17}$/,
  example: "arn:aws:outposts:us-east-1:111122223333:outpost/op-0123456789abcdef0",
};
export const SUBNET_ID: IdPattern = {
  regex: /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/,
  example: "subnet-0123456789abcdef0",
};
export const VPC_ID: IdPattern = {
  regex: /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/,
  example: "vpc-0123456789abcdef0",
};
export const ACM_CERTIFICATE_ARN: IdPattern = {
  regex: /^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/,
  example: "arn:aws:acm:us-east-1:111122223333:certificate/01234567-89ab-cdef-0123-456789abcdef",
};
/**
 * The DNS name clients use for the service: lower-case labels of letters, digits and dashes
 * (no label starts or ends with a dash), at least two labels, at most 253 characters. No
 * wildcard: the gates send it as the TLS server name, and a wildcard certificate covers it.
 * https://datatracker.ietf.org/doc/html/rfc1123#section-2.1
 */
export const SERVICE_DOMAIN: IdPattern = {
  regex: /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
  example: "shop.example.com",
};
/** Instance families that an Outpost ALB and our nodes may use (Outpost capacity). */
export const INSTANCE_TYPE: IdPattern = {
  regex: /^[a-z][a-z0-9-]*\.[0-9]*(nano|micro|small|medium|large|xlarge|metal)$/,
  example: "m5.xlarge",
};
/** Semantic version without a leading "v" (semver.org 2.0). */
export const SEMVER: IdPattern = {
  regex:
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/,
  example: "2.1.0",
};
/** Outpost names become parts of resource names and SSM paths. */
export const OUTPOST_NAME: IdPattern = {
  regex: /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
  example: "nyc-dc1",
};
/** A customer-owned IP (CoIP) pool of an Outpost's local gateway (ELB API: ^(ipv4pool-coip-)[a-zA-Z0-9]+$). */
export const COIP_POOL: IdPattern = {
  regex: /^ipv4pool-coip-[a-zA-Z0-9]+$/,
  example: "ipv4pool-coip-0123456789abcdef0",
};

/** Words that make a key look like it holds a credential (shared with the policy pack). */
export const SECRET_KEY_WORDS =
  "(password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|credential|auth[-_]?key)";

/** Whether a config key's name says it holds a credential. */
export function looksLikeSecretKey(key: string): boolean {
  return new RegExp(SECRET_KEY_WORDS, "i").test(key);
}
