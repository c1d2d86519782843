import * as net from "node:net";

/**
 * A loopback port that is free right now: the kernel picks it when we bind port 0. Another
 * process could take it before our listener binds it, so callers retry on a bind failure.
 * Processes that can report their own port (the app) bind port 0 themselves instead.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
