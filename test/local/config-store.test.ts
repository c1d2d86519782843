import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  documentFile,
  parameterPathProblem,
  readDocuments,
  syncDocuments,
} from "../../infra/local/providers/config-store-files";
import {
  configStoreInputProblems,
  configStoreProvider,
} from "../../infra/local/providers/config-store-provider";
import { ConfigStoreInputs } from "../../infra/local/providers/config-store-types";

const ROOT = "/outpost-fleet/staging/us";

describe("local config store", () => {
  let dir: string;
  const inputs = (documents: Record<string, string>): ConfigStoreInputs => ({
    root: ROOT,
    documents,
    storeDir: path.join(dir, "config-store"),
    tags: { Environment: "staging" },
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-config-store-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("maps each parameter path to a file under the store, refusing paths that would leave it", () => {
    expect(documentFile("/run/config-store", `${ROOT}/release/version`)).to.equal(
      "/run/config-store/outpost-fleet/staging/us/release/version",
    );
    expect(parameterPathProblem(`${ROOT}/outposts/nyc-lab1`)).to.equal(undefined);
    for (const bad of [
      "relative/app",
      `${ROOT}/../../etc/passwd`,
      `${ROOT}/./app`,
      `${ROOT}/a b`,
      "",
    ]) {
      expect(parameterPathProblem(bad), bad).to.match(/must be a parameter path/);
    }
    expect(
      configStoreInputProblems({ ...inputs({ "/elsewhere/app": "{}" }), storeDir: "run" }),
    ).to.deep.equal([
      { property: "storeDir", reason: "must be an absolute path; got run" },
      { property: "documents", reason: `/elsewhere/app is not under the root ${ROOT}` },
    ]);
  });

  it("writes, rewrites and removes documents so the store holds exactly the inputs", () => {
    const store = path.join(dir, "config-store");
    const first = { [`${ROOT}/release/version`]: "2.0.0", [`${ROOT}/outposts/nyc-lab1`]: "{}" };
    syncDocuments(store, first);
    expect(readDocuments(store, Object.keys(first))).to.deep.equal(first);
    const second = { [`${ROOT}/release/version`]: "2.1.0" };
    syncDocuments(store, second, first);
    expect(fs.readFileSync(documentFile(store, `${ROOT}/release/version`), "utf8")).to.equal(
      "2.1.0",
    );
    // The removed Outpost's document and its emptied folder are gone; the store stays.
    expect(fs.existsSync(path.join(store, "outpost-fleet/staging/us/outposts"))).to.equal(false);
    expect(readDocuments(store, Object.keys(first))).to.deep.equal(second);
  });

  it("provider: creates the files, reads edits back as drift, updates in place, deletes it all", async () => {
    const documents = { [`${ROOT}/release/version`]: "2.0.0", [`${ROOT}/fingerprint`]: "sha256:a" };
    const created = await configStoreProvider.create(inputs(documents));
    expect(created.id).to.match(/^config-store-[0-9a-f]{8}$/);
    const store = created.outs!.storeDir;
    fs.writeFileSync(documentFile(store, `${ROOT}/release/version`), "9.9.9");
    fs.rmSync(documentFile(store, `${ROOT}/fingerprint`));
    const read = await configStoreProvider.read!(created.id, created.outs);
    expect(read.props!.documents).to.deep.equal({ [`${ROOT}/release/version`]: "9.9.9" });
    expect(
      await configStoreProvider.diff!(created.id, read.props!, inputs(documents)),
    ).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
    const next = { ...documents, [`${ROOT}/release/version`]: "2.1.0" };
    // A moved run dir does not move the files: they stay where they were written.
    const updated = await configStoreProvider.update!(created.id, read.props!, {
      ...inputs(next),
      storeDir: path.join(dir, "elsewhere"),
    });
    expect(updated.outs!.storeDir).to.equal(store);
    expect(readDocuments(store, Object.keys(next))).to.deep.equal(next);
    expect(await configStoreProvider.diff!(created.id, updated.outs!, inputs(next))).to.include({
      changes: false,
    });
    await configStoreProvider.delete!(created.id, updated.outs!);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});
