import { expect } from "chai";
import { ebsEncrypted, ec2Imdsv2Required } from "../../policies/secure-compute";
import { failures } from "./support/check";
import { launchTemplate, res, withProp } from "./support/policy-fixtures";

describe("policies: secure compute", () => {
  const lt = launchTemplate();

  describe("ec2-imdsv2-required", () => {
    it("passes a launch template that requires tokens", async () => {
      expect(await failures([ec2Imdsv2Required], [lt])).to.deep.equal([]);
    });

    it("fails optional tokens", async () => {
      const [v, ...rest] = await failures(
        [ec2Imdsv2Required],
        [withProp(lt, "metadataOptions.httpTokens", "optional")],
      );
      expect(rest).to.deep.equal([]);
      expect(v.message).to.contain('httpTokens is "optional"');
      expect(v.urn).to.equal(lt.urn);
    });

    it("fails missing metadata options, since AWS then allows IMDSv1", async () => {
      const [v] = await failures([ec2Imdsv2Required], [withProp(lt, "metadataOptions", undefined)]);
      expect(v.message).to.contain("httpTokens is null");
    });

    it("fails a hop limit above the configured maximum", async () => {
      const broken = withProp(lt, "metadataOptions.httpPutResponseHopLimit", 3);
      const [v] = await failures([ec2Imdsv2Required], [broken]);
      expect(v.message).to.equal(
        "metadataOptions.httpPutResponseHopLimit is 3; at most 2 is allowed.",
      );
      expect(
        await failures([ec2Imdsv2Required], [broken], {
          "ec2-imdsv2-required": { maxHopLimit: 3 },
        }),
      ).to.deep.equal([]);
    });

    it("passes a template with IMDS disabled altogether", async () => {
      const off = withProp(lt, "metadataOptions", { httpEndpoint: "disabled" });
      expect(await failures([ec2Imdsv2Required], [off])).to.deep.equal([]);
    });
  });

  describe("ebs-encrypted", () => {
    it("passes encrypted block devices", async () => {
      expect(await failures([ebsEncrypted], [lt])).to.deep.equal([]);
    });

    it("fails an unencrypted block device", async () => {
      const broken = withProp(lt, "blockDeviceMappings", [
        { deviceName: "/dev/xvda", ebs: { encrypted: "false" } },
      ]);
      const [v] = await failures([ebsEncrypted], [broken]);
      expect(v.message).to.equal(
        'blockDeviceMappings[0].ebs.encrypted is "false"; EBS volumes must be encrypted.',
      );
      expect(v.urn).to.equal(lt.urn);
    });

    it("fails a template that leaves the root volume to the AMI", async () => {
      const [v] = await failures([ebsEncrypted], [withProp(lt, "blockDeviceMappings", undefined)]);
      expect(v.message).to.contain("declares no blockDeviceMappings");
    });

    it("fails a missing KMS key only when one is required", async () => {
      const config = { "ebs-encrypted": { requireKmsKey: true } };
      const [v] = await failures([ebsEncrypted], [lt], config);
      expect(v.message).to.equal(
        "blockDeviceMappings[0].ebs has no kmsKeyId; this fleet requires a customer-managed KMS key.",
      );
    });

    it("fails an unencrypted EBS volume and an instance without a root device", async () => {
      const volume = res("aws:ebs/volume:Volume", "data", { size: 10 });
      const instance = res("aws:ec2/instance:Instance", "box", { instanceType: "m5.large" });
      const found = await failures([ebsEncrypted], [volume, instance]);
      expect(found.map((v) => [v.urn, v.message])).to.deep.equal([
        [volume.urn, "volume.encrypted is null; EBS volumes must be encrypted."],
        [
          instance.urn,
          "declares no rootBlockDevice, so its encryption depends on the AMI; set rootBlockDevice.encrypted = true.",
        ],
      ]);
    });
  });
});
