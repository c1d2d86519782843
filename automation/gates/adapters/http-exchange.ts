import * as http from "node:http";
import * as https from "node:https";
import { performance } from "node:perf_hooks";
import type { PeerCertificate } from "node:tls";
import type { HttpMethod } from "../../settings/staging-test-settings";

/** One request a gate sends. */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  /** Request headers besides the defaults (`accept: *\/*`, `user-agent: node`); lower case. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The name the server is known by when the URL reaches it by another one (an Outpost's ALB
   * by its DNS name, serving the service's domain): sent as the Host header and, over https,
   * as the TLS server name (SNI), and the name the certificate must carry. Default: the URL's
   * host.
   */
  readonly serverName?: string;
}

export interface HttpExchangeResponse {
  readonly status: number;
  /** Header names in lower case; a repeated header's values joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as UTF-8 text; empty for HEAD. */
  readonly body: string;
  /** From sending the request to the last byte of the body. */
  readonly latencyMs: number;
}

/**
 * The one thing the gates need from HTTP: send a request, cancellable, and get the whole
 * answer. Redirects are answers, never followed. The caller's signal bounds the request (the
 * probe timeout); it rejects when no answer came (refused, reset, aborted).
 */
export interface HttpExchange {
  send(request: HttpRequest, signal: AbortSignal): Promise<HttpExchangeResponse>;
}

/** The headers every request carries unless the gate sets its own (what fetch sent). */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: "*/*",
  "user-agent": "node",
};

/**
 * The server's certificate does not hold for the name the request asked for: a wrong name,
 * an untrusted issuer, or out of its validity. The gates fail on it (never skip the check):
 * clients would refuse that endpoint too.
 */
export class TlsCertificateError extends Error {
  constructor(
    /** The host the request connected to (the URL's). */
    readonly host: string,
    /** The name the certificate was checked against. */
    readonly serverName: string,
    /** Node's code: ERR_TLS_CERT_ALTNAME_INVALID, CERT_HAS_EXPIRED, ... */
    readonly code: string,
    detail: string,
  ) {
    super(`TLS: the certificate ${host} presents ${detail} (${code})`);
    this.name = "TlsCertificateError";
  }
}

/**
 * Certificate checks Node's TLS client fails a connection on (OpenSSL's verify results, and
 * the name check): https://nodejs.org/api/tls.html#x509-certificate-error-codes
 */
const CERTIFICATE_CODES = new Set([
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_REVOKED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

export interface HttpExchangeOptions {
  /** CA certificates to trust instead of Node's bundle (tests' own CA). */
  readonly ca?: string | Buffer;
}

/**
 * Node's own HTTP and HTTPS clients, keep-alive connections through the global agents (a
 * connection is kept per server name). Certificates are always verified, against the
 * request's `serverName`. The error of a request that got no answer carries the socket's error
 * as its `cause`; a certificate that fails the check is a {@link TlsCertificateError}.
 */
export function nodeHttpExchange(options: HttpExchangeOptions = {}): HttpExchange {
  return {
    send(request, signal) {
      const url = new URL(request.url);
      const started = performance.now();
      const secure = url.protocol === "https:";
      const client = secure ? https : http;
      const { serverName } = request;
      const tls = secure
        ? { ...(serverName === undefined ? {} : { servername: serverName }), ...options }
        : {};
      return new Promise<HttpExchangeResponse>((resolve, reject) => {
        const fail = (err: Error) =>
          reject(certificateError(err, url.host, serverName ?? url.hostname) ?? noAnswer(err));
        const req = client.request(
          url,
          {
            method: request.method,
            headers: {
              ...DEFAULT_HEADERS,
              // The name with the URL's port, as a client addressing the name would send it.
              ...(serverName === undefined
                ? {}
                : { host: url.port ? `${serverName}:${url.port}` : serverName }),
              ...request.headers,
            },
            ...tls,
            signal,
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("error", fail);
            response.on("end", () => {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(response.headers)) {
                if (value !== undefined) {
                  headers[name] = Array.isArray(value) ? value.join(", ") : value;
                }
              }
              resolve({
                status: response.statusCode ?? 0,
                headers,
                body: request.method === "HEAD" ? "" : Buffer.concat(chunks).toString("utf8"),
                latencyMs: performance.now() - started,
              });
            });
          },
        );
        req.on("error", fail);
        req.end();
      });
    },
  };
}

/** The adapter the real gates use. */
export const httpExchange: HttpExchange = nodeHttpExchange();

/** The certificate failure `err` reports, in words; undefined for any other error. */
function certificateError(
  err: Error,
  host: string,
  serverName: string,
): TlsCertificateError | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined || !CERTIFICATE_CODES.has(code)) return undefined;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const cert = (err as { cert?: PeerCertificate }).cert;
    const names = cert?.subjectaltname ?? (cert?.subject?.CN ? `CN=${cert.subject.CN}` : "nothing");
    return new TlsCertificateError(
      host,
      serverName,
      code,
      `does not name ${serverName}; it names ${names}`,
    );
  }
  return new TlsCertificateError(
    host,
    serverName,
    code,
    `for ${serverName} is not valid: ${err.message}`,
  );
}

/** Why no answer came, in a word where the socket gives one (`ECONNREFUSED`). */
function noAnswer(err: Error): Error {
  if (err.name === "AbortError") return err;
  return new Error((err as NodeJS.ErrnoException).code ?? err.message, { cause: err });
}
