import { expect } from "chai";
import { DEFAULT_RUNTIME_SETTINGS } from "../../app/runtime-settings";
import {
  balancerInputProblems,
  diffBalancer,
  slotsOutOfStep,
} from "../../infra/local/providers/balancer-diff";
import { BalancerOutputs } from "../../infra/local/providers/balancer-types";
import {
  diffAppPool,
  missingSlots,
  poolInputProblems,
} from "../../infra/local/providers/pool-diff";
import { balancerInputs, balancerState, poolInputs, poolState } from "./support/local-fixtures";

describe("local providers: pool diff", () => {
  it("sees no change when nothing changed", () => {
    expect(diffAppPool(poolState(), poolInputs())).to.deep.include({
      changes: false,
      replaces: [],
    });
  });

  it("replaces the pool (new processes first) for a new version or new faults", () => {
    expect(diffAppPool(poolState(), poolInputs({ version: "2.1.0" }))).to.deep.equal({
      changes: true,
      replaces: ["version"],
      deleteBeforeReplace: false,
    });
    expect(
      diffAppPool(poolState(), poolInputs({ faults: { errorRate: 0.5, latencyMs: 0 } })).replaces,
    ).to.deep.equal(["faults"]);
  });

  it("replaces the pool (new processes first) when the runtime settings change", () => {
    const settings = JSON.stringify(DEFAULT_RUNTIME_SETTINGS);
    const running = poolState({ runtimeSettings: settings });
    expect(diffAppPool(running, poolInputs({ runtimeSettings: settings })).changes).to.equal(false);
    const changed = JSON.stringify({ ...DEFAULT_RUNTIME_SETTINGS, cacheTtlSeconds: 60 });
    expect(diffAppPool(running, poolInputs({ runtimeSettings: changed }))).to.deep.equal({
      changes: true,
      replaces: ["runtimeSettings"],
      deleteBeforeReplace: false,
    });
  });

  it("refuses runtime settings the app would refuse, before a process starts", () => {
    const bad = JSON.stringify({ ...DEFAULT_RUNTIME_SETTINGS, databasePoolSize: 501 });
    expect(poolInputProblems(poolInputs({ runtimeSettings: bad }))).to.deep.equal([
      {
        property: "runtimeSettings",
        reason: "runtimeSettings databasePoolSize=501 must be a whole number from 1 to 500",
      },
    ]);
  });

  it("replaces when shrinking, so HAProxy lets go of processes before they stop", () => {
    expect(diffAppPool(poolState(), poolInputs({ count: 0 })).replaces).to.deep.equal(["count"]);
  });

  it("grows in place, and restarts processes that refresh found dead in place", () => {
    expect(diffAppPool(poolState(), poolInputs({ count: 3 }))).to.deep.include({
      changes: true,
      replaces: [],
    });
    const oneDead = poolState({ processes: [{ slot: 2, pid: 102, port: 4002 }] });
    expect(diffAppPool(oneDead, poolInputs())).to.deep.include({ changes: true, replaces: [] });
    expect(missingSlots(oneDead.processes, 2)).to.deep.equal([1]);
  });

  it("updates tags in place and ignores a moved run dir", () => {
    expect(
      diffAppPool(poolState(), poolInputs({ tags: { Environment: "production" } })),
    ).to.deep.include({ changes: true, replaces: [] });
    expect(diffAppPool(poolState(), poolInputs({ runDir: "/elsewhere" })).changes).to.equal(false);
  });

  it("refuses impossible inputs with the property and the reason", () => {
    expect(poolInputProblems(poolInputs({ count: -1, appEntry: "app/launch.js" }))).to.deep.equal([
      { property: "count", reason: "must be a whole number of processes, 0 or more; got -1" },
      { property: "appEntry", reason: "must be an absolute path; got app/launch.js" },
    ]);
  });
});

describe("local providers: balancer diff", () => {
  it("sees no change when HAProxy matches the inputs", () => {
    expect(diffBalancer(balancerState(), balancerInputs()).changes).to.equal(false);
  });

  it("turns a flip into an update, never a replacement", () => {
    const flip = balancerInputs({ activeColor: "green", weights: { blue: 0, green: 100 } });
    expect(diffBalancer(balancerState(), flip)).to.deep.equal({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("turns new pool ports and more slots into updates too", () => {
    expect(
      diffBalancer(
        balancerState(),
        balancerInputs({ ports: { blue: [4101, 4102], green: [5001, 5002] } }),
      ).replaces,
    ).to.deep.equal([]);
    expect(diffBalancer(balancerState(), balancerInputs({ slotsPerColor: 3 }))).to.deep.include({
      changes: true,
      replaces: [],
    });
  });

  it("notices drift that refresh read from HAProxy, and a dead HAProxy", () => {
    const state = balancerState();
    const drifted = {
      ...state,
      applied: state.applied.map((s) => (s.name === "green-1" ? { ...s, weight: 50 } : s)),
    };
    expect(diffBalancer(drifted, balancerInputs()).changes).to.equal(true);
    expect(diffBalancer({ ...state, running: false }, balancerInputs()).changes).to.equal(true);
  });

  it("notices drift on the preview backend: it must reach the candidate only", () => {
    const state = balancerState();
    expect(slotsOutOfStep(state, balancerInputs())).to.deep.equal([]);
    const toActive = {
      ...state,
      previewApplied: state.previewApplied.map((s) =>
        s.name === "blue-1" ? { ...s, weight: 1 } : s,
      ),
    };
    expect(slotsOutOfStep(toActive, balancerInputs())).to.deep.equal(["preview:blue-1"]);
    expect(diffBalancer(toActive, balancerInputs()).changes).to.equal(true);
  });

  it("gives a state from before the preview frontend its preview port", () => {
    // As such a state reads back: the key is absent.
    const old = { ...balancerState(), previewPort: undefined } as unknown as BalancerOutputs;
    expect(diffBalancer(old, balancerInputs())).to.deep.include({
      changes: true,
      replaces: [],
    });
  });

  it("updates its site tags in place; holds no release, fingerprint, color or version of its own", () => {
    expect(
      diffBalancer(balancerState(), balancerInputs({ tags: { Environment: "production" } })),
    ).to.deep.include({ changes: true, replaces: [] });
    expect(Object.keys(balancerInputs())).to.not.include.members([
      "releaseVersion",
      "fingerprint",
      "color",
      "version",
    ]);
  });

  it("tolerates unknown pool ports during a preview", () => {
    const unknown = balancerInputs({
      ports: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" as unknown as {
        blue: number[];
        green: number[];
      },
    });
    expect(diffBalancer(balancerState(), unknown).changes).to.equal(true);
    expect(balancerInputProblems(unknown)).to.deep.equal([]);
  });

  it("refuses weights that do not add up and pools bigger than their slots", () => {
    const problems = balancerInputProblems(
      balancerInputs({ weights: { blue: 90, green: 20 }, ports: { blue: [1, 2, 3], green: [] } }),
    );
    expect(problems.map((p) => p.property)).to.deep.equal(["weights", "ports"]);
    expect(problems[1].reason).to.match(/capacity\.max/);
  });
});
