import type { CredentialsFor, CredentialsProvider } from "./gate-credentials";

/** Where an AWS gate reads: the stack (whose credentials it uses) and the AWS region. */
export interface AwsReadScope {
  readonly stack: string;
  readonly region: string | undefined;
}

/** The part of an SDK v3 client's config the gates set. */
export interface AwsClientConfig {
  readonly region?: string;
  readonly credentials?: CredentialsProvider;
}

/**
 * One SDK client per (credentials, region), made on first use and kept: a client holds its
 * connections and its cached credentials, so stacks on the same role and region share one.
 */
export function gateClients<C>(
  credentialsFor: CredentialsFor,
  newClient: (config: AwsClientConfig) => Promise<C>,
): (scope: AwsReadScope) => Promise<C> {
  const clients = new Map<string, Promise<C>>();
  return async ({ stack, region }) => {
    const { id, credentials } = await credentialsFor(stack);
    const key = `${id}\n${region ?? "default"}`;
    let client = clients.get(key);
    if (!client) {
      client = newClient({
        ...(region ? { region } : {}),
        ...(credentials ? { credentials } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };
}
