import type { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { EnginePort } from "../../../engine/engine-port";
import { type RoleChain, stackRoleChainOf } from "./stack-role";

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
 * Each stack's gates read with the role its AWS provider assumes (`aws:assumeRoles`, through
 * every role of a chain), so they see the stack's account, not the driver's. The config comes
 * through the engine, which works from a CI checkout behind the fleet too; it is read once per
 * stack (a failed read is retried on the next measurement), and stacks on the same chain share
 * one credentials provider.
 */
export function stackRoleCredentials(
  engine: Pick<EnginePort, "readConfig">,
  assume: (chain: RoleChain) => CredentialsProvider = assumeRoleChain,
): CredentialsFor {
  const byStack = new Map<string, Promise<GateCredentials>>();
  const byChain = new Map<string, CredentialsProvider>();
  const resolve = async (stack: string): Promise<GateCredentials> => {
    let chain: RoleChain | undefined;
    try {
      chain = stackRoleChainOf(await engine.readConfig(stack));
    } catch (err) {
      throw new Error(`stack ${stack}: ${(err as Error).message}`);
    }
    if (!chain) return { id: "default" };
    const id = JSON.stringify(chain.map((r) => [r.roleArn, r.sessionName, r.externalId]));
    let credentials = byChain.get(id);
    if (!credentials) {
      credentials = assume(chain);
      byChain.set(id, credentials);
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
 * Each role session lasts an hour: the most STS grants a chained session, and the driver's
 * sessions are chained whenever it runs on role credentials itself (CodeBuild's build role,
 * an SSO session). A longer DurationSeconds would make STS refuse the chain. The SDK asks again
 * before a session expires, so the length only bounds how often.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
 */
export const CHAINED_SESSION_SECONDS = 3600;

/** The session name of a role whose entry names none (STS requires one). */
export const DEFAULT_SESSION_NAME = "outpost-fleet-gates";

/** What the STS client of every hop takes: tests point it at another endpoint. */
export type StsClientConfig = Parameters<typeof fromTemporaryCredentials>[0]["clientConfig"];

/**
 * STS AssumeRole credentials for each role of the chain in turn, each assumed with the
 * credentials of the one before (the first with the driver's default credentials), through
 * the SDK's own provider: the calling client caches the last session and asks again before it
 * expires, and each hop's STS client does the same for the hop before it. The sessions use
 * the calling client's region. The SDK is loaded on first use, like the readers' clients.
 */
export function assumeRoleChain(
  chain: RoleChain,
  clientConfig?: StsClientConfig,
): CredentialsProvider {
  let provider: Promise<CredentialsProvider> | undefined;
  return async (properties) => {
    provider ??= import("@aws-sdk/credential-providers").then((sdk) => {
      let previous: CredentialsProvider | undefined;
      for (const role of chain) {
        previous = sdk.fromTemporaryCredentials({
          params: {
            RoleArn: role.roleArn,
            RoleSessionName: role.sessionName ?? DEFAULT_SESSION_NAME,
            DurationSeconds: CHAINED_SESSION_SECONDS,
            ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
          },
          ...(previous === undefined ? {} : { masterCredentials: previous }),
          ...(clientConfig === undefined ? {} : { clientConfig }),
        });
      }
      return previous as CredentialsProvider;
    });
    return (await provider)(properties);
  };
}
