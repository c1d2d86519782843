/**
 * Turns a recording of the real program under mocks (test/support/record-stack.ts) into what
 * the policy analyzer receives: every registered resource with its inputs, secrets unwrapped
 * (the analyzer deserializes without keeping secrets), plus the root stack resource carrying
 * the stack outputs, which mocks never register.
 */
import type { RecordedStack } from "../../support/record-stack";
import { PROJECT } from "./policy-fixtures";
import { PackResource } from "./run-pack";

/** The signature key Pulumi puts on a serialized secret. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG] === SECRET_VALUE) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export function stackUrn(stack: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
}

export function packResources(recorded: RecordedStack, stack: string): PackResource[] {
  const root: PackResource = {
    type: "pulumi:pulumi:Stack",
    name: `${PROJECT}-${stack}`,
    urn: stackUrn(stack),
    props: unwrapSecrets(recorded.outputs) as Record<string, unknown>,
  };
  const resources = recorded.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: unwrapSecrets(r.inputs) as Record<string, unknown>,
  }));
  return [root, ...resources];
}
