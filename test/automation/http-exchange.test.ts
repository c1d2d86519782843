import { expect } from "chai";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import {
  httpExchange,
  nodeHttpExchange,
  TlsCertificateError,
} from "../../automation/gates/adapters/http-exchange";
import { makeTestCertificates } from "../support/test-certificates";

const never = new AbortController().signal;

/** A real server that records each request and answers by path. */
async function startServer() {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((request, response) => {
    seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    if (request.url === "/moved") {
      response.writeHead(301, { location: "https://shop.example.test/" }).end();
      return;
    }
    if (request.url === "/hang") return;
    response.setHeader("Set-Cookie", ["a=1", "b=2"]);
    response.writeHead(200, { "Content-Type": "application/json", "X-Build": "ok" });
    response.end(JSON.stringify({ version: "2.1.0", note: "grüße" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("gates: the HTTP exchange adapter (real HTTP server)", () => {
  it("sends the method, the path and the gate's headers; answers status, headers and body", async () => {
    const server = await startServer();
    try {
      const answer = await httpExchange.send(
        {
          method: "GET",
          url: `${server.base}/version?x=1`,
          headers: { accept: "application/json" },
        },
        never,
      );
      expect(answer.status).to.equal(200);
      expect(JSON.parse(answer.body)).to.deep.equal({ version: "2.1.0", note: "grüße" });
      expect(answer.headers).to.include({
        "content-type": "application/json",
        "x-build": "ok",
        "set-cookie": "a=1, b=2",
      });
      expect(answer.latencyMs).to.be.above(0);
      await httpExchange.send({ method: "POST", url: `${server.base}/api/cart` }, never);
      expect(server.seen.map((r) => [r.method, r.url, r.headers.accept])).to.deep.equal([
        ["GET", "/version?x=1", "application/json"],
        ["POST", "/api/cart", "*/*"],
      ]);
      expect(server.seen[0].headers).to.include({
        host: `127.0.0.1:${server.port}`,
        "user-agent": "node",
      });
    } finally {
      await server.close();
    }
  });

  it("answers a redirect without following it; HEAD has an empty body", async () => {
    const server = await startServer();
    try {
      const moved = await httpExchange.send({ method: "GET", url: `${server.base}/moved` }, never);
      expect(moved.status).to.equal(301);
      expect(moved.headers.location).to.equal("https://shop.example.test/");
      const head = await httpExchange.send({ method: "HEAD", url: `${server.base}/` }, never);
      expect(head).to.include({ status: 200, body: "" });
      expect(server.seen.map((r) => r.url)).to.deep.equal(["/moved", "/"]);
    } finally {
      await server.close();
    }
  });

  it("rejects with the socket's reason when nothing answers, and when the signal aborts", async () => {
    const server = await startServer();
    const { port } = server;
    try {
      const abort = new AbortController();
      const hanging = httpExchange.send(
        { method: "GET", url: `${server.base}/hang` },
        abort.signal,
      );
      setTimeout(() => abort.abort(), 20);
      const aborted = await hanging.then(
        () => undefined,
        (err: Error) => err,
      );
      expect(aborted?.name).to.equal("AbortError");
    } finally {
      await server.close();
    }
    const refused = await httpExchange
      .send({ method: "GET", url: `http://127.0.0.1:${port}/` }, never)
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(refused?.message).to.equal("ECONNREFUSED");
    expect((refused?.cause as NodeJS.ErrnoException).code).to.equal("ECONNREFUSED");
  });
});

/**
 * An https server standing in for an Outpost's ALB: reached by an address (its DNS name on
 * AWS, 127.0.0.1 here) while its certificate names the service's domain.
 */
async function startTlsServer(names: readonly string[]) {
  const certificates = makeTestCertificates(names);
  const seen: { host: string | undefined; sni: string | false }[] = [];
  const server = https.createServer(
    { cert: certificates.cert, key: certificates.key },
    (request, response) => {
      seen.push({
        host: request.headers.host,
        sni: (request.socket as TLSSocket & { servername: string | false }).servername,
      });
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"version":"2.1.0"}');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ca: certificates.ca,
    seen,
    url: `https://127.0.0.1:${port}/version`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const rejection = (answer: Promise<unknown>) =>
  answer.then(
    () => undefined,
    (err: Error) => err,
  );

describe("gates: the HTTP exchange adapter's TLS name check (real https server)", () => {
  it("sends the service's domain as SNI and Host, and checks the certificate against it", async () => {
    const alb = await startTlsServer(["shop.example.test", "*.shop.example.test"]);
    try {
      const trusting = nodeHttpExchange({ ca: alb.ca });
      const answer = await trusting.send(
        { method: "GET", url: alb.url, serverName: "shop.example.test" },
        never,
      );
      expect(answer).to.include({ status: 200, body: '{"version":"2.1.0"}' });
      const staging = await trusting.send(
        { method: "GET", url: alb.url, serverName: "staging.shop.example.test" },
        never,
      );
      expect(staging.status).to.equal(200);
      expect(alb.seen).to.deep.equal([
        { host: `shop.example.test:${alb.port}`, sni: "shop.example.test" },
        { host: `staging.shop.example.test:${alb.port}`, sni: "staging.shop.example.test" },
      ]);
    } finally {
      await alb.close();
    }
  });

  it("fails on a name the certificate does not carry, naming both, instead of skipping the check", async () => {
    const alb = await startTlsServer(["shop.example.test"]);
    try {
      const trusting = nodeHttpExchange({ ca: alb.ca });
      const wrong = await rejection(
        trusting.send({ method: "GET", url: alb.url, serverName: "shop.other.test" }, never),
      );
      expect(wrong).to.be.instanceOf(TlsCertificateError);
      expect(wrong?.message).to.equal(
        `TLS: the certificate 127.0.0.1:${alb.port} presents does not name shop.other.test; it names DNS:shop.example.test (ERR_TLS_CERT_ALTNAME_INVALID)`,
      );
      // Without the domain, the check is against the address the URL names (an ALB's DNS
      // name on AWS), which the certificate never names.
      const byAddress = await rejection(trusting.send({ method: "GET", url: alb.url }, never));
      expect(byAddress).to.be.instanceOf(TlsCertificateError);
      expect(byAddress?.message).to.contain("does not name 127.0.0.1");
      expect(alb.seen).to.deep.equal([]);
    } finally {
      await alb.close();
    }
  });

  it("fails on a certificate from an issuer it does not trust", async () => {
    const alb = await startTlsServer(["shop.example.test"]);
    try {
      const untrusted = await rejection(
        httpExchange.send({ method: "GET", url: alb.url, serverName: "shop.example.test" }, never),
      );
      expect(untrusted).to.be.instanceOf(TlsCertificateError);
      expect((untrusted as TlsCertificateError).code).to.equal("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    } finally {
      await alb.close();
    }
  });

  it("sends the name as the Host header over plain http too (the ALB's redirect keeps it)", async () => {
    const server = await startServer();
    try {
      await httpExchange.send(
        { method: "GET", url: `${server.base}/moved`, serverName: "shop.example.test" },
        never,
      );
      expect(server.seen[0].headers.host).to.equal(`shop.example.test:${server.port}`);
    } finally {
      await server.close();
    }
  });
});
