import { isDeepStrictEqual } from "node:util";
import {
  fillPlaceholders,
  type HttpCheck,
  placeholdersIn,
  RELEASE_PLACEHOLDER,
} from "../settings/staging-test-settings";
import {
  error,
  fail,
  type Figure,
  type Gate,
  type GateTarget,
  type Measurement,
  pass,
} from "./gate";
import { type HttpExchange, TlsCertificateError } from "./adapters/http-exchange";
import { baseUrl } from "./http-probe-gate";
import { isEmptyValue, valueAt } from "./json-field";

/** How much of a body a failure quotes. */
const QUOTE_CHARS = 200;

/**
 * Checks that are always on, whatever the settings list: the Outpost answers with the release,
 * and runs the runtime settings the fleet published (when the stack told us their fingerprint).
 */
export function builtInChecks(target: GateTarget): HttpCheck[] {
  const checks: HttpCheck[] = [
    {
      name: "release version",
      method: "GET",
      path: "/version",
      status: 200,
      json: { field: "version", equals: target.release },
    },
  ];
  if (target.runtimeFingerprint !== undefined) {
    checks.push({
      name: "runtime fingerprint",
      method: "GET",
      path: "/config",
      status: 200,
      json: { field: "fingerprint", equals: target.runtimeFingerprint },
    });
  }
  return checks;
}

/**
 * The staging integration test: every declared check, in order, against the production
 * endpoint after the flip (only the release answers there), then the built-in ones. A check
 * may save a value from its answer (`save: { sku: items.0.sku }`) for later paths (`{sku}`).
 */
export class IntegrationGate implements Gate {
  readonly name = "integration";

  constructor(
    private readonly http: HttpExchange,
    private readonly checks: readonly HttpCheck[],
  ) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const base = baseUrl(target.outputs.endpoint);
    const serverName = target.outputs.serviceDomain ?? undefined;
    const values = new Map([[RELEASE_PLACEHOLDER, target.release]]);
    const checks = [...this.checks, ...builtInChecks(target)];
    const problems: string[] = [];
    let answered = 0;
    let tls = false;
    for (const check of checks) {
      signal.throwIfAborted();
      const outcome = await this.run(check, base, serverName, values, signal);
      if (outcome.answered) answered++;
      tls ||= outcome.tls === true;
      if (outcome.problem !== undefined) problems.push(`${check.name}: ${outcome.problem}`);
    }
    const passed = checks.length - problems.length;
    const figures: Figure[] = [
      {
        name: "checks passed",
        value: passed,
        unit: "",
        threshold: checks.length,
        limit: "min",
      },
    ];
    // A certificate clients would refuse fails the test; it is never an unreachable endpoint.
    if (tls) return fail(problems.join("; "), figures);
    if (answered === 0) return error(`${base} did not answer: ${problems[0] ?? "no checks"}`);
    if (problems.length > 0) return fail(problems.join("; "), figures);
    return pass(`${passed}/${checks.length} checks passed on ${base}`, figures);
  }

  private async run(
    check: HttpCheck,
    base: string,
    serverName: string | undefined,
    values: Map<string, string>,
    signal: AbortSignal,
  ): Promise<{ answered: boolean; problem?: string; tls?: boolean }> {
    const missing = placeholdersIn(check.path).filter((name) => !values.has(name));
    if (missing.length > 0) {
      const names = missing.map((name) => `{${name}}`).join(", ");
      return {
        answered: false,
        problem: `${check.path}: no value for ${names} (the check that saves it failed)`,
      };
    }
    const path = fillPlaceholders(check.path, values);
    const request = `${check.method} ${path}`;
    let response;
    try {
      response = await this.http.send(
        { method: check.method, url: `${base}${path}`, serverName },
        signal,
      );
    } catch (err) {
      if (err instanceof TlsCertificateError) {
        return { answered: false, problem: `${request}: ${err.message}`, tls: true };
      }
      return { answered: false, problem: `${request}: no answer (${causeOf(err)})` };
    }
    const got = `(got ${quote(response.body)})`;
    const answered = { answered: true };
    if (response.status !== check.status) {
      return {
        ...answered,
        problem: `${request}: status ${response.status}, expected ${check.status} ${got}`,
      };
    }
    if (check.contains !== undefined && !response.body.includes(check.contains)) {
      return {
        ...answered,
        problem: `${request}: ${JSON.stringify(check.contains)} not in the body ${got}`,
      };
    }
    if (check.json === undefined && check.save === undefined) return answered;
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      return { ...answered, problem: `${request}: not JSON ${got}` };
    }
    if (check.json !== undefined) {
      const { field, equals, notEmpty } = check.json;
      const value = valueAt(json, field);
      if (notEmpty === true && isEmptyValue(value)) {
        const how = value === undefined ? "missing" : `empty (${JSON.stringify(value)})`;
        return { ...answered, problem: `${request}: ${field} ${how} ${got}` };
      }
      if (equals !== undefined) {
        const expected = typeof equals === "string" ? fillPlaceholders(equals, values) : equals;
        if (!isDeepStrictEqual(value, expected)) {
          const seen = value === undefined ? "missing" : JSON.stringify(value);
          return {
            ...answered,
            problem: `${request}: ${field} is ${seen}, expected ${JSON.stringify(expected)} ${got}`,
          };
        }
      }
    }
    for (const [name, field] of Object.entries(check.save ?? {})) {
      const value = valueAt(json, field);
      if (typeof value !== "string" && typeof value !== "number") {
        return {
          ...answered,
          problem: `${request}: ${field} missing, nothing to save as {${name}} ${got}`,
        };
      }
      values.set(name, String(value));
    }
    return answered;
  }
}

function quote(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}...` : flat || "an empty body";
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}
