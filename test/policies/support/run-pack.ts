/**
 * Runs policies the way the engine's analyzer does, without the engine: config reconciled
 * with schema defaults and validated, disabled policies skipped, props behind the SDK's
 * unknown-checking proxy, resource policies on every resource (the root stack included) and
 * stack policies once on all of them. Reports keep their enforcement level, so a test can
 * tell mandatory violations from advisory notes.
 */
import Ajv from "ajv";
import {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationPolicy,
  StackValidationPolicy,
  unknownCheckingProxy,
  UnknownValueError,
} from "@pulumi/policy";

/** One resource as recorded: type, name, URN and its inputs (outputs for the root stack). */
export interface PackResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  readonly parent?: string;
}

/** One policy's config in a --policy-pack-config file: a level, or a level plus properties. */
export type PolicyConfigEntry =
  | EnforcementLevel
  | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);
export type PackConfig = Readonly<Record<string, PolicyConfigEntry>>;

export interface Violation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  /** What the policy reported, without the description the engine prefixes. */
  readonly message: string;
  readonly urn?: string;
}

export interface PackRun {
  readonly violations: Violation[];
  readonly notApplicable: {
    readonly policy: string;
    readonly urn: string;
    readonly reason?: string;
  }[];
}

/** What the engine shows for a value it cannot know during preview (a string sentinel). */
export const PREVIEW_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Reconciled {
  readonly level: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

/** Defaults, then "all", then each policy's entry; invalid config fails like the CLI does. */
export function reconcileConfig(
  policies: Policies,
  config: PackConfig = {},
  packLevel: EnforcementLevel = "advisory",
): Map<string, Reconciled> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const all = config.all;
  const result = new Map<string, Reconciled>();
  const errors: string[] = [];
  for (const policy of policies) {
    const entry = config[policy.name];
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema.default !== undefined) properties[key] = structuredClone(schema.default);
    }
    let level: EnforcementLevel = policy.enforcementLevel ?? packLevel;
    if (typeof all === "string") level = all;
    if (typeof entry === "string") level = entry;
    else if (entry !== undefined) {
      const { enforcementLevel, ...rest } = entry;
      if (enforcementLevel !== undefined) level = enforcementLevel;
      Object.assign(properties, rest);
    }
    if (policy.configSchema) {
      const validate = ajv.compile({
        type: "object",
        properties: policy.configSchema.properties,
        ...(policy.configSchema.required ? { required: policy.configSchema.required } : {}),
      });
      if (!validate(properties)) {
        errors.push(
          ...(validate.errors ?? []).map(
            (e) => `${policy.name}: ${e.instancePath || "(root)"} ${e.message}`,
          ),
        );
      }
    }
    result.set(policy.name, { level, properties });
  }
  if (errors.length > 0) throw new Error(`policy pack config is invalid:\n${errors.join("\n")}`);
  return result;
}

class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "not applicable");
  }
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function isResourcePolicy(policy: Policies[number]): policy is ResourceValidationPolicy {
  return "validateResource" in policy && policy.validateResource !== undefined;
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return "validateStack" in policy && typeof policy.validateStack === "function";
}

/** Runs every enabled policy over the resources. */
export async function runPack(
  policies: Policies,
  resources: readonly PackResource[],
  config: PackConfig = {},
): Promise<PackRun> {
  const reconciled = reconcileConfig(policies, config);
  const run: PackRun = { violations: [], notApplicable: [] };
  const proxied = (props: Record<string, unknown>) =>
    unknownCheckingProxy(structuredClone(props)) as Record<string, unknown>;

  for (const policy of policies) {
    const { level, properties } = reconciled.get(policy.name)!;
    if (level === "disabled") continue;
    const reporter = (defaultUrn?: string) => (message: unknown, urn?: string) => {
      if (typeof message === "object" && message !== null) {
        const info = message as {
          message: string;
          urn?: string;
          enforcementLevel?: EnforcementLevel;
        };
        run.violations.push({
          policy: policy.name,
          level: info.enforcementLevel ?? level,
          message: info.message,
          urn: info.urn ?? defaultUrn,
        });
      } else {
        run.violations.push({
          policy: policy.name,
          level,
          message: String(message),
          urn: defaultUrn ?? urn,
        });
      }
    };
    const guard = async (urn: string, body: () => unknown) => {
      try {
        await body();
      } catch (error) {
        if (error instanceof NotApplicable)
          run.notApplicable.push({ policy: policy.name, urn, reason: error.reason });
        else if (error instanceof UnknownValueError) {
          run.violations.push({
            policy: policy.name,
            level: "advisory",
            message: `can't run during preview: ${(error as Error).message}`,
            urn,
          });
        } else throw error;
      }
    };
    const common = {
      stackTags: new Map<string, string>(),
      getConfig: <T extends object>() => structuredClone(properties) as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };

    if (isResourcePolicy(policy)) {
      const validations = [policy.validateResource ?? []].flat();
      for (const resource of resources) {
        for (const validate of validations) {
          await guard(resource.urn, () =>
            validate(
              {
                ...common,
                type: resource.type,
                name: resource.name,
                urn: resource.urn,
                props: proxied(resource.props),
                opts: { ...OPTIONS, parent: resource.parent },
                isType: () => false,
                asType: () => undefined,
              },
              reporter(resource.urn),
            ),
          );
        }
      }
    } else if (isStackPolicy(policy)) {
      const stackResources = toPolicyResources(resources, proxied);
      await guard("", () =>
        policy.validateStack({ ...common, resources: stackResources }, reporter()),
      );
    }
  }
  return run;
}

function toPolicyResources(
  resources: readonly PackResource[],
  proxied: (props: Record<string, unknown>) => Record<string, unknown>,
): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const list = resources.map((resource) => {
    const policyResource: PolicyResource = {
      type: resource.type,
      name: resource.name,
      urn: resource.urn,
      props: proxied(resource.props),
      opts: { ...OPTIONS, parent: resource.parent },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  resources.forEach((resource, i) => {
    if (resource.parent) list[i].parent = byUrn.get(resource.parent);
  });
  return list;
}

/** Only what a test usually asserts on: mandatory violations. */
export function mandatory(run: PackRun): Violation[] {
  return run.violations.filter((v) => v.level === "mandatory");
}
