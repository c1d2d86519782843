import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { httpExchange } from "../../automation/gates/adapters/http-exchange";

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
