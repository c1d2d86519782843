import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ASSUME_ROLES_KEY, stackRoleChainOf } from "../../automation/gates/adapters/aws/stack-role";

/** A stack's config as the engine returns it: Pulumi.<stack>.yaml's `config` map. */
function stackConfig(stack: string): Record<string, unknown> {
  const file = parse(
    fs.readFileSync(path.resolve(__dirname, `../../Pulumi.${stack}.yaml`), "utf8"),
  ) as { config: Record<string, unknown> };
  return file.config;
}

const role = (entry: unknown) => ({ "aws:region": "eu-west-1", [ASSUME_ROLES_KEY]: [entry] });

describe("gates: the roles a stack's gates assume (aws:assumeRoles)", () => {
  it("is the provider's role, in the account of the stack's own Outposts, for every AWS stack", () => {
    for (const stack of ["us", "eu", "apac", "staging-us", "staging-eu", "staging-apac"]) {
      const config = stackConfig(stack);
      const outposts = config["outpost-fleet:outposts"] as { arn: string }[];
      const account = outposts[0].arn.split(":")[4];
      expect(stackRoleChainOf(config), stack).to.deep.equal([
        {
          roleArn: `arn:aws:iam::${account}:role/outpost-fleet-deploy-${stack}`,
          sessionName: "outpost-fleet-driver",
        },
      ]);
    }
  });

  it("is none when the stack assumes no role: the gates keep the driver's credentials", () => {
    expect(stackRoleChainOf(stackConfig("local-us"))).to.equal(undefined);
    expect(stackRoleChainOf({ "aws:region": "us-east-1" })).to.equal(undefined);
    expect(stackRoleChainOf({ [ASSUME_ROLES_KEY]: [] })).to.equal(undefined);
    expect(stackRoleChainOf({ [ASSUME_ROLES_KEY]: null })).to.equal(undefined);
  });

  it("keeps the external ID, and drops the fields only the provider's session needs", () => {
    expect(
      stackRoleChainOf(
        role({
          roleArn: "arn:aws:iam::444455556666:role/deploy",
          externalId: "fleet-42",
          duration: "1h",
          tags: { team: "fleet" },
        }),
      ),
    ).to.deep.equal([{ roleArn: "arn:aws:iam::444455556666:role/deploy", externalId: "fleet-42" }]);
  });

  it("keeps a chain in order: each role is assumed with the one before it", () => {
    expect(
      stackRoleChainOf({
        [ASSUME_ROLES_KEY]: [
          { roleArn: "arn:aws:iam::111122223333:role/hop", sessionName: "fleet-hop" },
          { roleArn: "arn:aws:iam::444455556666:role/deploy", externalId: "fleet-42" },
        ],
      }),
    ).to.deep.equal([
      { roleArn: "arn:aws:iam::111122223333:role/hop", sessionName: "fleet-hop" },
      { roleArn: "arn:aws:iam::444455556666:role/deploy", externalId: "fleet-42" },
    ]);
  });

  it("rejects shapes it cannot follow, naming the key", () => {
    const rejects = (config: Record<string, unknown>, message: RegExp) =>
      expect(() => stackRoleChainOf(config)).to.throw(message);
    rejects({ [ASSUME_ROLES_KEY]: "[secret]" }, /^aws:assumeRoles is a secret/);
    rejects(
      { [ASSUME_ROLES_KEY]: { roleArn: "arn:aws:iam::444455556666:role/deploy" } },
      /^aws:assumeRoles must be a list of roles/,
    );
    rejects(
      {
        [ASSUME_ROLES_KEY]: [
          { roleArn: "arn:aws:iam::111122223333:role/hop" },
          { roleArn: "arn:aws:iam::444455556666:user/deploy" },
        ],
      },
      /^aws:assumeRoles\[1\]\.roleArn must be an IAM role ARN, got "arn:aws:iam::444455556666:user\/deploy"/,
    );
    rejects(
      role({ roleArn: "arn:aws:iam::444455556666:role/deploy", sessionName: "driver on host" }),
      /^aws:assumeRoles\[0\]\.sessionName must be 2 to 64 letters, digits or =,\.@_\+-, got "driver on host"/,
    );
    rejects(
      role({ roleArn: "arn:aws:iam::444455556666:role/deploy", sessionName: "x".repeat(65) }),
      /^aws:assumeRoles\[0\]\.sessionName must be 2 to 64/,
    );
    rejects(
      role({ roleArn: "arn:aws:iam::444455556666:role/deploy", externalId: "fleet 42" }),
      /^aws:assumeRoles\[0\]\.externalId must be 2 to 1224 letters, digits or =,\.@:\/_\+-, got "fleet 42"/,
    );
    rejects(role("arn:aws:iam::444455556666:role/deploy"), /^aws:assumeRoles\[0\] must be a map/);
    rejects(role({ sessionName: "s" }), /^aws:assumeRoles\[0\]\.roleArn must be an IAM role ARN/);
    rejects(
      role({ roleArn: "arn:aws:iam::444455556666:user/deploy" }),
      /^aws:assumeRoles\[0\]\.roleArn must be an IAM role ARN, got "arn:aws:iam::444455556666:user\/deploy"/,
    );
    rejects(
      role({ roleArn: "arn:aws:iam::444455556666:role/deploy", externalId: 42 }),
      /^aws:assumeRoles\[0\]\.externalId must be a string/,
    );
  });
});
