import type { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { EnginePort } from "../../../engine/engine-port";
import { type StackRole, stackRoleOf } from "./stack-role";

/** What an SDK client takes as `credentials`; the client caches and refreshes what it returns. */
export type CredentialsProvider = ReturnType<typeof fromTemporaryCredentials>;

/** The credentials the AWS gates read one stack with. */
export interface GateCredentials {
  /** Names the credentials, so clients are shared per role: the role ARN, or "default". */
  readonly id: string;
  /** Absent: the SDK's default chain, i.e. the driver's own credentials. */
  readonly credentials?: CredentialsProvider;
}

/** The narrow port the AWS gate readers take: a stack's credentials. */
export type CredentialsFor = (stack: string) => Promise<GateCredentials>;

/** The driver's own credentials for every stack (what the readers did before stack roles). */
export const driverCredentials: CredentialsFor = () => Promise.resolve({ id: "default" });

/**
 * Each stack's gates read with the role its AWS provider assumes (`aws:assumeRoles`), so they
 * see the stack's account, not the driver's. The config comes through the engine, which works
 * from a CI checkout behind the fleet too; it is read once per stack (a failed read is retried
 * on the next measurement), and stacks sharing a role share one credentials provider.
 */
export function stackRoleCredentials(
  engine: Pick<EnginePort, "readConfig">,
  assume: (role: StackRole) => CredentialsProvider = assumeRole,
): CredentialsFor {
  const byStack = new Map<string, Promise<GateCredentials>>();
  const byRole = new Map<string, CredentialsProvider>();
  const resolve = async (stack: string): Promise<GateCredentials> => {
    let role: StackRole | undefined;
    try {
      role = stackRoleOf(await engine.readConfig(stack));
    } catch (err) {
      throw new Error(`stack ${stack}: ${(err as Error).message}`);
    }
    if (!role) return { id: "default" };
    const id = JSON.stringify([role.roleArn, role.sessionName, role.externalId]);
    let credentials = byRole.get(id);
    if (!credentials) {
      credentials = assume(role);
      byRole.set(id, credentials);
    }
    return { id, credentials };
  };
  return (stack) => {
    let answer = byStack.get(stack);
    if (!answer) {
      answer = resolve(stack);
      byStack.set(stack, answer);
      answer.catch(() => byStack.delete(stack));
    }
    return answer;
  };
}

/**
 * STS AssumeRole credentials for a role, through the SDK's own provider, which the client
 * calls again before they expire (sessions last an hour by default):
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html. The session is
 * assumed with the driver's default credentials, in the calling client's region. The SDK is
 * loaded on first use, like the readers' clients.
 */
export function assumeRole(role: StackRole): CredentialsProvider {
  let provider: Promise<CredentialsProvider> | undefined;
  return async (properties) => {
    provider ??= import("@aws-sdk/credential-providers").then((sdk) =>
      sdk.fromTemporaryCredentials({
        params: {
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName,
          ExternalId: role.externalId,
        },
      }),
    );
    return (await provider)(properties);
  };
}
