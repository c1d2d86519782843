/**
 * An alarm's period follows the publication interval of its metric's namespace: ALB metrics
 * come every 60 s whatever the instances' monitoring, EC2's every 60 s with detailed
 * monitoring and every 300 s without.
 */
import { expect } from "chai";
import { metricPeriodSeconds } from "../../infra/aws/metric-periods";
import { recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

describe("alarm periods", () => {
  it("follow the metric's namespace", () => {
    expect(metricPeriodSeconds("AWS/ApplicationELB", { ec2DetailedMonitoring: false })).to.equal(
      60,
    );
    expect(metricPeriodSeconds("AWS/ApplicationELB", { ec2DetailedMonitoring: true })).to.equal(60);
    expect(metricPeriodSeconds("AWS/EC2", { ec2DetailedMonitoring: true })).to.equal(60);
    expect(metricPeriodSeconds("AWS/EC2", { ec2DetailedMonitoring: false })).to.equal(300);
    expect(() => metricPeriodSeconds("AWS/Lambda", { ec2DetailedMonitoring: true })).to.throw(
      "no publication interval known for namespace AWS/Lambda",
    );
  });

  for (const [stack, monitoring] of [
    ["us", "enhanced"],
    ["staging-us", "basic"],
  ] as const) {
    it(`are 60 s on every ALB alarm of ${stack} (${monitoring} monitoring)`, async () => {
      const { resources } = await recordStack(stack);
      const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
      expect(alarms.length).to.be.greaterThan(0);
      for (const alarm of alarms) {
        expect(alarm.inputs.namespace, alarm.name).to.equal("AWS/ApplicationELB");
        expect(alarm.inputs.period, alarm.name).to.equal(60);
      }
      // The instances' own monitoring still follows the level: detailed only when enhanced.
      const [blue] = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate");
      expect(blue.inputs.monitoring).to.deep.equal({ enabled: monitoring === "enhanced" });
    });
  }
});
