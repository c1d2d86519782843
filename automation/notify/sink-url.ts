import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretRef } from "./notification-settings";

/** Reads one secret's string value (Secrets Manager GetSecretValue). */
export type SecretReader = (secretId: string, region: string | undefined) => Promise<string>;

/**
 * The real reader: AWS SDK v3 with the default credential chain. `region` defaults to the
 * SDK's own (AWS_REGION); AWS_ENDPOINT_URL_SECRETS_MANAGER points it elsewhere (a VPC endpoint).
 */
export const secretsManagerReader: SecretReader = async (secretId, region) => {
  const client = new SecretsManagerClient(region ? { region } : {});
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (answer.SecretString === undefined)
      throw new Error(`secret ${secretId} has no string value (binary secrets are not supported)`);
    return answer.SecretString;
  } finally {
    client.destroy();
  }
};

/** Where a URL came from, for messages: never the URL itself. */
export function describeRef(ref: SecretRef): string {
  return "env" in ref
    ? `environment variable ${ref.env}`
    : `Secrets Manager secret ${ref.secretsManager.secretId}${ref.secretsManager.jsonKey ? ` (key ${ref.secretsManager.jsonKey})` : ""}`;
}

/**
 * Resolves a sink's URL from the environment or Secrets Manager and checks it is an http(s)
 * URL. Errors name where the URL should come from, never its value.
 */
export async function resolveSinkUrl(
  ref: SecretRef,
  env: NodeJS.ProcessEnv,
  readSecret: SecretReader = secretsManagerReader,
): Promise<string> {
  let value: string | undefined;
  if ("env" in ref) {
    value = env[ref.env];
    if (!value) throw new Error(`${describeRef(ref)} is not set`);
  } else {
    const { secretId, region, jsonKey } = ref.secretsManager;
    const secret = await readSecret(secretId, region);
    if (jsonKey === undefined) {
      value = secret.trim();
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(secret);
      } catch {
        throw new Error(`${describeRef(ref)}: the secret is not a JSON object`);
      }
      const field = (parsed as Record<string, unknown> | null)?.[jsonKey];
      if (typeof field !== "string") throw new Error(`${describeRef(ref)}: no string at that key`);
      value = field.trim();
    }
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${describeRef(ref)} does not hold a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error(`${describeRef(ref)} holds a ${url.protocol} URL: must be https (or http)`);
  return url.toString();
}

/** Removes a secret URL (and its path, which carries the credential) from a message. */
export function redactUrl(message: string, url: string): string {
  let out = message.split(url).join("[secret URL]");
  try {
    const { pathname, search } = new URL(url);
    for (const part of [`${pathname}${search}`, pathname, search].filter((p) => p.length > 1))
      out = out.split(part).join("[secret]");
  } catch {
    // not a URL: nothing more to remove
  }
  return out;
}
