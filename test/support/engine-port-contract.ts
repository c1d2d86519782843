/**
 * The EnginePort contract (automation/engine/engine-port.ts), one suite run against every
 * engine: the in-memory engine (test/automation/in-memory-engine-contract.test.ts) and the
 * Automation-API engine on the real Pulumi engine (automation-api-engine-contract.test.ts).
 * Where the port lets the engines differ, the subject says how it differs and the suite
 * asserts that.
 *
 * The cases run in order on one stack (a real stack is slow to make). Each writes the states
 * it needs and asserts on them, not on what a case before left.
 */
import { expect } from "chai";
import {
  COLORS,
  type OutpostDeploymentState,
  type OutpostOutputs,
  type Target,
} from "../../infra/contract";
import {
  type DriverConfigChange,
  EngineError,
  type EnginePort,
  type PendingOperation,
  PendingOperationsError,
  type StackOutputs,
} from "../../automation/engine/engine-port";

/** The Outposts of the contract's stack. */
export const CONTRACT_OUTPOSTS = ["op-a", "op-b"] as const;
/** The stack's release and both Outposts' versions when the suite starts. */
export const CONTRACT_RELEASE = "2.0.0";

/** A complete deployment state. */
export function contractState(
  activeColor: "blue" | "green",
  blue = CONTRACT_RELEASE,
  green = CONTRACT_RELEASE,
  extra: Partial<OutpostDeploymentState> = {},
): OutpostDeploymentState {
  return {
    blueVersion: blue,
    greenVersion: green,
    activeColor,
    candidateWeight: 0,
    idleWarm: false,
    rolloutVersion: activeColor === "blue" ? blue : green,
    ...extra,
  };
}

export interface EngineUnderContract {
  readonly engine: EnginePort;
  /**
   * A prepared stack of target `local` with the Outposts op-a and op-b, release 2.0.0 and both
   * on contractState("blue") in its config, and deployed so (one whole update done).
   */
  readonly stack: string;
  /** Names no stack has yet: a fresh one per call. */
  newStackName(): string;
  /** Leaves a pending `creating` operation in the stack's state, as a killed update does. */
  leavePendingCreate(stack: string): Promise<PendingOperation>;
  /** Where this engine differs as engine-port.ts allows ("Where the engines differ"). */
  readonly differences: {
    /** A call other than prepareStack on a stack never prepared. */
    readonly unpreparedStack: "creates" | "fails";
    /** A second update of a stack while one runs. */
    readonly concurrentUp: "waits" | "refused";
    /** The Outposts whose kubeconfig the stack publishes. */
    readonly kubeconfigOutposts: readonly string[];
  };
  dispose?(): Promise<void> | void;
}

/**
 * What is wrong with stack outputs by the contract (infra/contract.ts, docs/stack-contract.md)
 * for a stack of `target`: every field of every Outpost present with its type, the traffic
 * fields consistent with each other, the target's own shape. Empty when nothing is.
 */
export function contractProblems(outputs: StackOutputs, target: Target): string[] {
  const problems: string[] = [];
  const expectType = (where: string, value: unknown, type: string) => {
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
    if (!type.split("|").includes(actual)) problems.push(`${where}: ${actual}, not ${type}`);
  };
  if (outputs.target !== target) problems.push(`target: ${outputs.target}, not ${target}`);
  expectType("release", outputs.release, "string|undefined");
  for (const [name, o] of Object.entries(outputs.outposts)) {
    const at = (field: string) => `outposts.${name}.${field}`;
    const fields: Record<keyof OutpostOutputs, string> = {
      outpost: "string",
      endpoint: "string",
      previewEndpoint: "string",
      serviceDomain: target === "aws" ? "string" : "null",
      trafficStats: "object",
      activeColor: "string",
      candidateWeight: "number",
      versions: "object",
      weights: "object",
      targetGroups: "object",
      alarms: "array",
      cluster: "string|null",
      rollout: "object|null",
    };
    for (const [field, type] of Object.entries(fields)) {
      expectType(at(field), (o as unknown as Record<string, unknown>)[field], type);
    }
    if (o.outpost !== name) problems.push(`${at("outpost")}: ${o.outpost}, not ${name}`);
    for (const url of ["endpoint", "previewEndpoint"] as const) {
      if (typeof o[url] === "string" && !/^https?:\/\/\S+$/.test(o[url])) {
        problems.push(`${at(url)}: ${o[url]} is not a URL`);
      }
    }
    if (!(COLORS as readonly string[]).includes(o.activeColor)) {
      problems.push(`${at("activeColor")}: ${o.activeColor}`);
    }
    for (const field of ["versions", "weights", "targetGroups"] as const) {
      const value = o[field] as unknown as Record<string, unknown> | null;
      if (typeof value !== "object" || value === null) continue;
      const keys = Object.keys(value).sort();
      if (keys.join() !== "blue,green") problems.push(`${at(field)}: keys ${keys.join()}`);
      for (const color of COLORS) {
        expectType(
          `${at(field)}.${color}`,
          value[color],
          field === "weights" ? "number" : "string",
        );
      }
    }
    if (typeof o.weights === "object" && o.weights !== null && COLORS.includes(o.activeColor)) {
      const candidate = o.activeColor === "blue" ? "green" : "blue";
      const total = o.weights.blue + o.weights.green;
      // Weights are in the balancer's units; their split is the candidate's weight in percent.
      if (!(total > 0) || Math.round((o.weights[candidate] / total) * 100) !== o.candidateWeight) {
        problems.push(`${at("weights")}: ${JSON.stringify(o.weights)} for ${o.candidateWeight}%`);
      }
    }
    if (!Number.isInteger(o.candidateWeight) || o.candidateWeight < 0 || o.candidateWeight > 100) {
      problems.push(`${at("candidateWeight")}: ${o.candidateWeight}`);
    }
    const stats = o.trafficStats as { kind?: unknown } | null;
    const kinds = target === "aws" ? ["app-metrics", "cloudwatch"] : ["haproxy"];
    if (typeof stats === "object" && stats !== null && !kinds.includes(String(stats.kind))) {
      problems.push(`${at("trafficStats")}.kind: ${String(stats.kind)}, not ${kinds.join("|")}`);
    }
    if (Array.isArray(o.alarms)) {
      if (target === "local" && o.alarms.length > 0) problems.push(`${at("alarms")}: not empty`);
      o.alarms.forEach((alarm, i) => expectType(`${at("alarms")}[${i}]`, alarm, "string"));
    }
    if ((o.cluster === null) !== (o.rollout === null)) {
      problems.push(`${at("rollout")}: a rollout without a cluster, or a cluster without one`);
    }
  }
  return problems;
}

/** The fields of an Outpost's outputs that follow its deployment state. */
function traffic(o: OutpostOutputs) {
  return {
    activeColor: o.activeColor,
    candidateWeight: o.candidateWeight,
    versions: o.versions,
    weights: o.weights,
  };
}

/** What those fields are when `state` is deployed (the weights in percent, both targets). */
function trafficOf(state: OutpostDeploymentState) {
  const candidate = state.activeColor === "blue" ? "green" : "blue";
  const weights = { blue: 0, green: 0 };
  weights[state.activeColor] = 100 - state.candidateWeight;
  weights[candidate] = state.candidateWeight;
  return {
    activeColor: state.activeColor,
    candidateWeight: state.candidateWeight,
    versions: { blue: state.blueVersion, green: state.greenVersion },
    weights,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

export function describeEnginePortContract(
  name: string,
  setUp: (context: Mocha.Context) => Promise<EngineUnderContract>,
  /** `timeoutMs`: each case's and the set-up's limit (a real engine's update takes seconds). */
  options: { readonly timeoutMs?: number } = {},
): void {
  describe(`EnginePort contract: ${name}`, function () {
    if (options.timeoutMs !== undefined) this.timeout(options.timeoutMs);
    let subject: EngineUnderContract;
    let engine: EnginePort;
    let stack: string;

    before(async function () {
      subject = await setUp(this);
      ({ engine, stack } = subject);
    });

    after(async () => {
      await subject?.dispose?.();
    });

    it("reads the prepared stack's driver config and whole config, namespaced", async () => {
      expect(await engine.readDriverConfig(stack)).to.deep.equal({
        release: CONTRACT_RELEASE,
        deployment: { "op-a": contractState("blue"), "op-b": contractState("blue") },
      });
      const config = await engine.readConfig(stack);
      expect(config["outpost-fleet:release"]).to.deep.equal({ version: CONTRACT_RELEASE });
      expect(config["outpost-fleet:deployment"]).to.deep.equal({
        "op-a": contractState("blue"),
        "op-b": contractState("blue"),
      });
      expect(config).not.to.have.property("release");
    });

    it("reports what was deployed as outputs shaped by the contract", async () => {
      const outputs = await engine.outputs(stack);
      expect(contractProblems(outputs, "local")).to.deep.equal([]);
      expect(outputs.release).to.equal(CONTRACT_RELEASE);
      expect(Object.keys(outputs.outposts).sort()).to.deep.equal([...CONTRACT_OUTPOSTS]);
      expect(traffic(outputs.outposts["op-a"])).to.deep.equal(trafficOf(contractState("blue")));
      expect(outputs.outposts["op-a"].weights).to.deep.equal({ blue: 100, green: 0 });
    });

    it("stages a config change: read back at once, not in the outputs until an up", async () => {
      const before = await engine.outputs(stack);
      const candidate = contractState("blue", CONTRACT_RELEASE, "2.1.0", {
        candidateWeight: 10,
        idleWarm: true,
      });
      await engine.writeDriverConfig(stack, {
        release: "2.1.0",
        deployment: { "op-a": candidate },
      });
      const config = await engine.readDriverConfig(stack);
      expect(config.release).to.equal("2.1.0");
      expect(config.deployment["op-a"]).to.deep.equal(candidate);
      expect(config.deployment["op-b"], "an Outpost the change does not name").to.deep.equal(
        contractState("blue"),
      );
      expect(await engine.outputs(stack)).to.deep.equal(before);

      // An empty change writes nothing.
      await engine.writeDriverConfig(stack, {});
      expect(await engine.readDriverConfig(stack)).to.deep.equal(config);
    });

    it("previews the change without making it, reporting it even when told to expect none", async () => {
      const before = await engine.outputs(stack);
      const config = await engine.readDriverConfig(stack);
      const preview = await engine.preview(stack, {
        policyPacks: [],
        policyPackConfigs: [],
        expectNoChanges: true,
      });
      expect(preview.changes.update, "op-a and the stack-wide release").to.be.greaterThan(0);
      expect(preview.violations).to.deep.equal([]);
      expect(await engine.outputs(stack)).to.deep.equal(before);
      expect(await engine.readDriverConfig(stack)).to.deep.equal(config);
    });

    it("applies a targeted up to the named Outposts only; the stack-wide part waits for a whole up", async () => {
      const flipped = contractState("green", CONTRACT_RELEASE, "2.1.0");
      await engine.writeDriverConfig(stack, {
        release: "2.1.0",
        deployment: { "op-a": flipped, "op-b": contractState("blue", "2.0.0", "2.1.0") },
      });
      await engine.up(stack, { outposts: ["op-a"] });
      let outputs = await engine.outputs(stack);
      expect(contractProblems(outputs, "local")).to.deep.equal([]);
      expect(traffic(outputs.outposts["op-a"])).to.deep.equal(trafficOf(flipped));
      expect(outputs.outposts["op-a"].weights).to.deep.equal({ blue: 0, green: 100 });
      expect(traffic(outputs.outposts["op-b"]), "op-b was not targeted").to.deep.equal(
        trafficOf(contractState("blue")),
      );
      expect(outputs.release, "the stack outputs follow at once").to.equal("2.1.0");
      const lagging = await engine.preview(stack, { policyPacks: [], policyPackConfigs: [] });
      expect(lagging.changes.update, "op-b and the stack-wide release").to.be.greaterThan(0);

      await engine.up(stack);
      outputs = await engine.outputs(stack);
      expect(traffic(outputs.outposts["op-b"])).to.deep.equal(
        trafficOf(contractState("blue", "2.0.0", "2.1.0")),
      );
      const settled = await engine.preview(stack, { policyPacks: [], policyPackConfigs: [] });
      expect(settled.changes.update ?? 0, JSON.stringify(settled.changes)).to.equal(0);
      expect(settled.changes.same).to.be.greaterThan(0);
    });

    it("updates the whole stack when a targeted up names an Outpost never deployed", async () => {
      const a = contractState("blue", "2.2.0", "2.1.0");
      const b = contractState("green", "2.2.0", "2.1.0", { candidateWeight: 50 });
      await engine.writeDriverConfig(stack, {
        release: "2.2.0",
        deployment: { "op-a": a, "op-b": b },
      });
      await engine.up(stack, { outposts: ["op-new"] });
      const outputs = await engine.outputs(stack);
      expect(Object.keys(outputs.outposts).sort()).to.deep.equal([...CONTRACT_OUTPOSTS]);
      expect(traffic(outputs.outposts["op-a"])).to.deep.equal(trafficOf(a));
      expect(traffic(outputs.outposts["op-b"])).to.deep.equal(trafficOf(b));
      expect(outputs.outposts["op-b"].weights).to.deep.equal({ blue: 50, green: 50 });
      expect(outputs.release).to.equal("2.2.0");
      const settled = await engine.preview(stack, { policyPacks: [], policyPackConfigs: [] });
      expect(settled.changes.update ?? 0, "the stack-wide part moved too").to.equal(0);
    });

    it("refuses a change the program would refuse, and writes nothing of it", async () => {
      const config = await engine.readDriverConfig(stack);
      const bad: DriverConfigChange[] = [
        { release: "latest" },
        {
          deployment: { "op-a": contractState("blue", "2.0.0", "2.1.0", { candidateWeight: 150 }) },
        },
        { deployment: { "op-a": { ...contractState("blue"), activeColor: "red" as "blue" } } },
        {
          deployment: { "op-a": { ...contractState("blue"), rolloutVersion: undefined as never } },
        },
        // A good release beside a bad state: neither is written.
        {
          release: "2.3.0",
          deployment: { "op-b": { ...contractState("blue"), blueVersion: "two" } },
        },
      ];
      for (const change of bad) {
        const err = await rejection(engine.writeDriverConfig(stack, change));
        expect(err, JSON.stringify(change)).to.be.instanceOf(EngineError);
        expect((err as EngineError).stack).to.equal(stack);
        expect((err as EngineError).operation).to.equal("write-config");
      }
      expect(await engine.readDriverConfig(stack)).to.deep.equal(config);
    });

    it("stops an up on pending operations, naming them, until a refresh clears them", async () => {
      const before = await engine.outputs(stack);
      await engine.writeDriverConfig(stack, {
        deployment: { "op-a": contractState("green", "2.2.0", "2.3.0") },
      });
      const pending = await subject.leavePendingCreate(stack);
      expect(await engine.pendingOperations(stack)).to.deep.equal([pending]);
      const stopped = await rejection(engine.up(stack, { outposts: ["op-a"] }));
      expect(stopped).to.be.instanceOf(PendingOperationsError);
      expect((stopped as PendingOperationsError).pending).to.deep.equal([pending]);
      expect((stopped as PendingOperationsError).outposts).to.deep.equal(["op-a"]);
      expect(String(stopped)).to.contain(`creating ${pending.urn}`);
      expect(String(stopped)).to.contain(`outpost-fleet repair --stack ${stack}`);
      expect(await engine.outputs(stack), "nothing was applied").to.deep.equal(before);

      // A plain refresh keeps a pending create (it may have happened); the operator clears it.
      await engine.refresh(stack);
      expect(await engine.pendingOperations(stack)).to.deep.equal([pending]);
      await engine.refresh(stack, { clearPendingCreates: true });
      expect(await engine.pendingOperations(stack)).to.deep.equal([]);
    });

    it("runs two updates of one stack one at a time, as this engine does", async () => {
      const a = contractState("blue", "2.2.0", "2.3.0", { candidateWeight: 10 });
      const b = contractState("green", "2.2.0", "2.3.0");
      await engine.writeDriverConfig(stack, { deployment: { "op-a": a, "op-b": b } });
      const results = await Promise.all([
        rejection(engine.up(stack, { outposts: ["op-a"] })),
        rejection(engine.up(stack, { outposts: ["op-b"] })),
      ]);
      const outputs = await engine.outputs(stack);
      if (subject.differences.concurrentUp === "waits") {
        expect(results).to.deep.equal([undefined, undefined]);
        expect(traffic(outputs.outposts["op-a"])).to.deep.equal(trafficOf(a));
        expect(traffic(outputs.outposts["op-b"])).to.deep.equal(trafficOf(b));
      } else {
        expect(results[0]).to.equal(undefined);
        expect(results[1]).to.be.instanceOf(EngineError);
        expect(String(results[1])).to.match(/another update is currently in progress/);
        expect(traffic(outputs.outposts["op-a"])).to.deep.equal(trafficOf(a));
        expect(traffic(outputs.outposts["op-b"]), "the refused update").not.to.deep.equal(
          trafficOf(b),
        );
      }
    });

    it("changes nothing on cancel when no update runs", async () => {
      const outputs = await engine.outputs(stack);
      const config = await engine.readDriverConfig(stack);
      await engine.cancel(stack);
      expect(await engine.outputs(stack)).to.deep.equal(outputs);
      expect(await engine.readDriverConfig(stack)).to.deep.equal(config);
      expect(await engine.pendingOperations(stack)).to.deep.equal([]);
    });

    it("gives an Outpost's kubeconfig where the stack publishes one, else undefined", async () => {
      for (const outpost of [...CONTRACT_OUTPOSTS, "op-none"]) {
        const kubeconfig = await engine.kubeconfig(stack, outpost);
        if (subject.differences.kubeconfigOutposts.includes(outpost)) {
          expect(kubeconfig, outpost).to.contain("kind: Config");
        } else {
          expect(kubeconfig, outpost).to.equal(undefined);
        }
      }
    });

    it("creates a stack on prepare: no driver config, no config, no outputs", async () => {
      const fresh = subject.newStackName();
      await engine.prepareStack(fresh);
      expect(await engine.readDriverConfig(fresh)).to.deep.equal({
        release: undefined,
        deployment: {},
      });
      expect(await engine.readConfig(fresh)).to.deep.equal({});
      const outputs = await engine.outputs(fresh);
      expect({ ...outputs }).to.deep.equal({
        target: "aws",
        release: undefined,
        outposts: {},
        ...("runtimeFingerprint" in outputs && { runtimeFingerprint: undefined }),
      });
      expect(await engine.pendingOperations(fresh)).to.deep.equal([]);
      // Preparing again selects it: what was written stays.
      await engine.writeDriverConfig(fresh, { release: "3.0.0" });
      await engine.prepareStack(fresh);
      expect((await engine.readDriverConfig(fresh)).release).to.equal("3.0.0");
    });

    it("on a stack never prepared, creates it or fails, as this engine does", async () => {
      const unprepared = subject.newStackName();
      const read = engine.readDriverConfig(unprepared);
      if (subject.differences.unpreparedStack === "creates") {
        expect(await read).to.deep.equal({ release: undefined, deployment: {} });
      } else {
        const err = await rejection(read);
        expect(err).to.be.instanceOf(EngineError);
        expect((err as EngineError).stack).to.equal(unprepared);
        expect(await rejection(engine.outputs(unprepared))).to.be.instanceOf(EngineError);
      }
    });
  });
}
