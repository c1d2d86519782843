import type { SecuritySettings } from "../settings/staging-test-settings";
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

export type SecurityHeaderSettings = Pick<
  SecuritySettings,
  "headers" | "forbiddenHeaders" | "paths" | "requireTls"
>;

/** Where the ALB's plain http listener would be. */
const PLAIN_HTTP_PORT = 80;

/**
 * The staging security test: every answer on `paths` carries the required headers with their
 * values, none of the forbidden ones, and no header value names the release (no version leaks
 * to a client). On AWS with `requireTls`, the endpoint is https and plain http on the same host
 * does not serve the app (a redirect to https or a refused connection is fine).
 */
export class SecurityGate implements Gate {
  readonly name = "security";

  constructor(
    private readonly http: HttpExchange,
    private readonly settings: SecurityHeaderSettings,
    /** Tests point this at a local server; the ALB's is 80. */
    private readonly plainHttpPort = PLAIN_HTTP_PORT,
  ) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const base = baseUrl(target.outputs.endpoint);
    const serverName = target.outputs.serviceDomain ?? undefined;
    const problems: string[] = [];
    let tls = false;
    if (target.target === "aws" && this.settings.requireTls) {
      const url = new URL(base);
      if (url.protocol !== "https:") {
        problems.push(`endpoint ${base} is not https (requireTls)`);
      } else {
        const plain = await plainHttpProblem(
          this.http,
          plainHttpUrl(url, this.plainHttpPort),
          signal,
          serverName,
        );
        if (plain !== undefined) problems.push(plain);
      }
    }
    let answered = 0;
    for (const path of this.settings.paths) {
      signal.throwIfAborted();
      try {
        const response = await this.http.send(
          { method: "GET", url: `${base}${path}`, serverName },
          signal,
        );
        answered++;
        const found = headerProblems(response.headers, this.settings, target.release);
        problems.push(...found.map((problem) => `GET ${path}: ${problem}`));
      } catch (err) {
        if (err instanceof TlsCertificateError) {
          tls = true;
          problems.push(`GET ${path}: ${err.message}`);
          continue;
        }
        problems.push(`GET ${path}: no answer (${(err as Error).message ?? String(err)})`);
      }
    }
    const figures: Figure[] = [
      { name: "responses checked", value: answered, unit: "" },
      { name: "problems", value: problems.length, unit: "", threshold: 0, limit: "max" },
    ];
    // A certificate clients would refuse fails the test; it is never an unreachable endpoint.
    if (answered === 0 && !tls) return error(`${base} did not answer: ${problems.join("; ")}`);
    if (problems.length > 0) return fail(problems.join("; "), figures);
    return pass(
      `${answered} responses on ${base} carry the required headers, leak nothing`,
      figures,
    );
  }
}

/** What is wrong with one answer's headers (names in lower case, as HttpExchange gives them). */
export function headerProblems(
  headers: Readonly<Record<string, string>>,
  settings: Pick<SecuritySettings, "headers" | "forbiddenHeaders">,
  release: string,
): string[] {
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(settings.headers)) {
    const actual = headers[name.toLowerCase()];
    if (actual === undefined) problems.push(`missing ${name}`);
    else if (expected !== true && actual !== expected) {
      problems.push(`${name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
  }
  for (const name of settings.forbiddenHeaders) {
    const actual = headers[name.toLowerCase()];
    if (actual !== undefined) problems.push(`forbidden header ${name}: ${JSON.stringify(actual)}`);
  }
  if (release !== "") {
    for (const [name, value] of Object.entries(headers)) {
      if (value.includes(release)) {
        problems.push(`${name}: ${JSON.stringify(value)} leaks the version ${release}`);
      }
    }
  }
  return problems;
}

/** The same host over plain http: `https://alb.example.com:443/x` -> `http://alb.example.com/`. */
export function plainHttpUrl(endpoint: URL, port: number): string {
  return `http://${endpoint.hostname}${port === PLAIN_HTTP_PORT ? "" : `:${port}`}/`;
}

/**
 * Undefined when plain http does not serve the app: no answer (nothing listens), a redirect to
 * https, or an error status. A 2xx, or a redirect that stays on http, is the problem. The
 * request names the service's domain as its Host, as a client's would.
 */
export async function plainHttpProblem(
  http: HttpExchange,
  url: string,
  signal: AbortSignal,
  serverName?: string,
): Promise<string | undefined> {
  let response;
  try {
    response = await http.send({ method: "GET", url, serverName }, signal);
  } catch {
    signal.throwIfAborted();
    return undefined;
  }
  if (response.status >= 200 && response.status < 300) {
    return `${url} serves the app over plain http (status ${response.status}); it must redirect to https or refuse (requireTls)`;
  }
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.location ?? "";
    if (!location.startsWith("https://")) {
      return `${url} redirects to ${JSON.stringify(location)}, not to https (requireTls)`;
    }
  }
  return undefined;
}
