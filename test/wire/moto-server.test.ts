import { expect } from "chai";
import { findMotoServer, INSTALL_HINT, MotoServer } from "./support/moto-server";

describe("wire: the moto_server the suite runs", () => {
  it("is missing with a clear error naming what to install", async () => {
    const env = { ...process.env, PATH: "/nonexistent" };
    expect(findMotoServer(env)).to.equal(undefined);
    const failure = await MotoServer.start(env).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failure).to.equal(
      'moto_server is not on PATH: the wire tests need moto\'s server (pip install "moto[server]==5.2.1")',
    );
    expect(INSTALL_HINT).to.equal('pip install "moto[server]==5.2.1"');
  });
});
