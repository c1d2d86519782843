import { expect } from "chai";
import { consistencyFingerprint } from "../../policies/consistency-fingerprint";
import { failures, violations } from "./support/check";
import {
  FINGERPRINT,
  localConfigStore,
  parameter,
  res,
  stackOutputs,
} from "./support/policy-fixtures";
import { PREVIEW_UNKNOWN } from "./support/run-pack";

describe("policies: consistency-fingerprint", () => {
  const path = "/outpost-fleet/production/us/fingerprint";
  const config = { "consistency-fingerprint": { expectedFingerprint: FINGERPRINT } };
  const other = `sha256:${"b".repeat(64)}`;

  it("passes a stack whose parameter and output carry the expected fingerprint", async () => {
    expect(
      await violations(
        [consistencyFingerprint],
        [stackOutputs(), parameter(path, FINGERPRINT)],
        config,
      ),
    ).to.deep.equal([]);
  });

  it("fails a parameter that carries another fingerprint", async () => {
    const p = parameter(path, other);
    const found = await failures([consistencyFingerprint], [stackOutputs(), p], config);
    expect(found.map((v) => v.urn)).to.deep.equal([undefined, p.urn]);
    expect(found[0].message).to.equal(
      `the stack states 2 different fingerprints: output fingerprint = ${FINGERPRINT}; SSM parameter ${path} = ${other}.`,
    );
    expect(found[1].message).to.equal(
      `SSM parameter ${path} is ${other}, but this release expects ${FINGERPRINT} on every stack: ` +
        "this stack's release or fleet-wide config differs from the others'.",
    );
  });

  it("fails the output when the whole stack drifted", async () => {
    const stack = stackOutputs(undefined, undefined, other);
    const [v, ...rest] = await failures([consistencyFingerprint], [stack], config);
    expect(rest).to.deep.equal([]);
    expect(v.urn).to.equal(stack.urn);
    expect(v.message).to.contain(`output fingerprint is ${other}`);
  });

  it("reads a Fingerprint tag and the local config store's document too", async () => {
    const tagged = res("aws:ssm/parameter:Parameter", "p", {
      name: "/x",
      type: "String",
      value: "{}",
      tags: { Fingerprint: other },
    });
    const local = localConfigStore("2.0.0", other);
    const found = await failures([consistencyFingerprint], [tagged, local], config);
    expect(found.filter((v) => v.urn !== undefined).map((v) => v.urn)).to.deep.equal([
      tagged.urn,
      local.urn,
    ]);
  });

  it("fails a stack that carries no fingerprint at all", async () => {
    const [v] = await failures(
      [consistencyFingerprint],
      [parameter("/outpost-fleet/production/us/app", "{}")],
      config,
    );
    expect(v.message).to.contain(
      "no SSM parameter, config store document, stack output or tag carries this stack's fingerprint",
    );
  });

  it("notes, without failing, a fingerprint that is unknown during preview", async () => {
    const found = await violations(
      [consistencyFingerprint],
      [parameter(path, PREVIEW_UNKNOWN)],
      config,
    );
    expect(found.map((v) => [v.level, v.message])).to.deep.equal([
      [
        "advisory",
        "consistency-fingerprint could not compare: every fingerprint is unknown until the update.",
      ],
    ]);
  });

  it("without an expected fingerprint, notes the skip", async () => {
    const found = await violations([consistencyFingerprint], [stackOutputs()]);
    expect(found.map((v) => v.level)).to.deep.equal(["advisory"]);
    expect(found[0].message).to.contain(
      "consistency-fingerprint did not run: its policy config sets no expectedFingerprint",
    );
  });
});
