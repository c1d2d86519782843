import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../../automation/engine/pulumi-environment";

/** A scratch folder with these files and the project's node_modules (a program or a pack). */
export function fixtureFolder(dir: string, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * A stand-in for the real program with the same driver-facing contract, for tests of the
 * Automation-API adapter against the real engine: it reads the `outposts`, `release` and
 * `deployment` keys and exports `target`, `release`, `outposts` and `kubeconfigs`. Like the
 * real program, each Outpost is a site component (the local target's type token) named after
 * it, with its resource below; one stack-wide resource follows `release` (the config store).
 */
export const FIXTURE_PROGRAM = `import * as pulumi from "@pulumi/pulumi";

interface State {
  blueVersion: string;
  greenVersion: string;
  activeColor: "blue" | "green";
  candidateWeight: number;
  idleWarm: boolean;
  rolloutVersion?: string;
}

const config = new pulumi.Config("outpost-fleet");
const outpostList = config.requireObject<{ name: string }[]>("outposts");
const deployment_ = config.requireObject<Record<string, State>>("deployment");
const releaseConfig = config.requireObject<{ version: string }>("release");

// Where a fake app server can see what each Outpost runs (tests of the whole CLI), and
// the base URL the probes should use.
const stateDir = config.get("fixtureStateDir") ?? "";
const endpointBase = config.get("fixtureEndpoint") ?? "http://127.0.0.1:9";
// The runtime socket of the fake app's HAProxy-style statistics (tests of the whole CLI).
const statsSocket = config.get("fixtureStatsSocket") ?? "/nonexistent/fixture.sock";
// The Outpost named op-slow takes two minutes to create and touches this file first.
const slowMarker = config.get("fixtureSlowMarker") ?? "";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const fs = require("fs");
    if (inputs.slowMarker) {
      // An update that is killed while this create runs leaves it pending in the state.
      fs.writeFileSync(inputs.slowMarker, "creating");
      await new Promise((resolve) => setTimeout(resolve, 120000));
    }
    if (inputs.stateDir) fs.writeFileSync(inputs.stateDir + "/" + inputs.outpost + ".json", JSON.stringify(inputs.state));
    return { id: inputs.outpost, outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: JSON.stringify(olds.state) !== JSON.stringify(news.state) };
  },
  async update(_id, olds, news) {
    const fs = require("fs");
    if (news.stateDir) {
      fs.writeFileSync(news.stateDir + "/" + news.outpost + ".json", JSON.stringify(news.state));
      if (olds.state.activeColor !== news.state.activeColor) {
        fs.appendFileSync(news.stateDir + "/flips.log", news.outpost + " " + news.state.activeColor + "\\n");
      }
    }
    return { outs: news };
  },
};

class SiteState extends pulumi.dynamic.Resource {
  declare readonly state: pulumi.Output<State>;
  declare readonly outpost: pulumi.Output<string>;
  constructor(name: string, args: { outpost: string; state: State; stateDir: string; slowMarker: string }, opts: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args }, opts);
  }
}

class Site extends pulumi.ComponentResource {
  readonly state: pulumi.Output<State>;
  readonly outpost: pulumi.Output<string>;
  constructor(name: string, args: { outpost: string; state: State; stateDir: string; slowMarker: string }) {
    super("outpost-fleet:local:OutpostSite", name, {}, {});
    const inner = new SiteState(name + "-state", args, { parent: this });
    this.state = inner.state;
    this.outpost = inner.outpost;
    this.registerOutputs({});
  }
}

const sites = outpostList.map(
  (o) =>
    new Site(o.name, {
      outpost: o.name,
      state: deployment_[o.name],
      stateDir,
      slowMarker: o.name === "op-slow" ? slowMarker : "",
    }),
);

/** Stack-wide, under no site: it follows \`release\` only in an untargeted up. */
class ReleaseRecord extends pulumi.dynamic.Resource {
  declare readonly release: pulumi.Output<string>;
  constructor(name: string, args: { release: string }) {
    super(recordProvider, name, { ...args }, {});
  }
}
const recordProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "release-record", outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: olds.release !== news.release };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};
const record = new ReleaseRecord("release-record", { release: releaseConfig.version });
export const stackWideRelease = record.release;

export const target = "local";
export const deployment = deployment_;
export const release = releaseConfig.version;
export const outposts = pulumi.all(sites.map((s) => pulumi.all([s.outpost, s.state]))).apply((pairs) =>
  Object.fromEntries(
    pairs.map(([name, state]) => [
      name,
      {
        outpost: name,
        endpoint: endpointBase + "/" + name,
        previewEndpoint: endpointBase + "/" + name + "~preview",
        serviceDomain: null,
        trafficStats: { kind: "haproxy", socket: statsSocket, backend: "fixture" },
        activeColor: state.activeColor,
        candidateWeight: state.candidateWeight,
        versions: { blue: state.blueVersion, green: state.greenVersion },
        // As infra/listener-weights.ts: the active color takes what the candidate does not.
        weights: state.activeColor === "blue"
          ? { blue: 100 - state.candidateWeight, green: state.candidateWeight }
          : { blue: state.candidateWeight, green: 100 - state.candidateWeight },
        targetGroups: { blue: "fixture/" + name + "-blue", green: "fixture/" + name + "-green" },
        alarms: [],
        cluster: null,
        rollout: null,
      },
    ]),
  ),
);
export const kubeconfigs = pulumi.secret({ [outpostList[0].name]: "apiVersion: v1\\nkind: Config\\n" });
`;

export const FIXTURE_POLICY_PACK = `import { PolicyPack } from "@pulumi/policy";

new PolicyPack("fleet-fixture", {
  policies: [
    {
      name: "no-cursed-versions",
      description: "Fails on purpose: version 6.6.6 may not run anywhere.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        const state = args.props.state;
        if (state && (state.blueVersion === "6.6.6" || state.greenVersion === "6.6.6")) {
          reportViolation(args.name + " would run 6.6.6");
        }
      },
    },
  ],
});
`;
