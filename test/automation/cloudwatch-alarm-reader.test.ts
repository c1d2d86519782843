import { expect } from "chai";
import type {
  DescribeAlarmsCommand,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
} from "@aws-sdk/client-cloudwatch";
import { awsAlarmStateReader } from "../../automation/gates/adapters/aws/cloudwatch-alarm-reader";
import { driverCredentials } from "../../automation/gates/adapters/aws/gate-credentials";

const never = new AbortController().signal;
const scope = { stack: "eu", region: "eu-west-1" };

/**
 * A CloudWatch client that pages as DescribeAlarms does: it answers each request with the next
 * page of the alarms it holds for the requested names and types, `maxRecords` at a time, and
 * records every request it was sent. Asking for more than it holds, or a NextToken it never
 * gave, is an error, as on AWS.
 */
function pagingClient(
  alarms: { name: string; type: "MetricAlarm" | "CompositeAlarm"; state: string }[],
  maxRecords: number,
) {
  const sent: DescribeAlarmsCommandInput[] = [];
  const tokens = new Map<string, number>();
  const send = (command: DescribeAlarmsCommand) => {
    const input = command.input;
    sent.push(input);
    const names = input.AlarmNames ?? [];
    if (names.length > 100) throw new Error("AlarmNames: at most 100 items");
    // Without AlarmTypes, DescribeAlarms returns metric alarms only.
    const types: string[] = input.AlarmTypes ?? ["MetricAlarm"];
    const matching = alarms.filter((a) => names.includes(a.name) && types.includes(a.type));
    const token = input.NextToken;
    const start = token === undefined ? 0 : tokens.get(token);
    if (start === undefined) throw new Error(`InvalidNextToken ${token}`);
    const page = Math.min(maxRecords, input.MaxRecords ?? 50);
    const slice = matching.slice(start, start + page);
    let NextToken: string | undefined;
    if (start + page < matching.length) {
      NextToken = `token-${tokens.size + 1}`;
      tokens.set(NextToken, start + page);
    }
    const shape = (a: (typeof alarms)[number]) => ({ AlarmName: a.name, StateValue: a.state });
    const answer = {
      $metadata: {},
      // A metric alarm has its Period (seconds); a composite alarm none.
      MetricAlarms: slice
        .filter((a) => a.type === "MetricAlarm")
        .map((a) => ({ ...shape(a), Period: 60 })),
      CompositeAlarms: slice.filter((a) => a.type === "CompositeAlarm").map(shape),
      NextToken,
    } as DescribeAlarmsCommandOutput;
    return Promise.resolve(answer);
  };
  return { sent, newClient: () => Promise.resolve({ send }) };
}

describe("gates: the CloudWatch alarm reader (DescribeAlarms)", () => {
  it("asks for metric and composite alarms and follows every NextToken", async () => {
    const alarms = [
      { name: "dub-5xx", type: "MetricAlarm" as const, state: "OK" },
      { name: "dub-latency", type: "MetricAlarm" as const, state: "OK" },
      { name: "dub-health", type: "CompositeAlarm" as const, state: "ALARM" },
    ];
    const client = pagingClient(alarms, 2);
    const reader = awsAlarmStateReader(driverCredentials, client.newClient);
    const states = await reader.describe(
      scope,
      alarms.map((a) => a.name),
      never,
    );
    expect(states.map((s) => `${s.name}=${s.state}`).sort()).to.deep.equal([
      "dub-5xx=OK",
      "dub-health=ALARM",
      "dub-latency=OK",
    ]);
    // The alarm gate holds a bake for its periods: metric alarms report theirs.
    expect(states.find((s) => s.name === "dub-5xx")?.periodSeconds).to.equal(60);
    expect(states.find((s) => s.name === "dub-health")).to.not.have.property("periodSeconds");
    expect(client.sent).to.deep.equal([
      {
        AlarmNames: ["dub-5xx", "dub-latency", "dub-health"],
        AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
        MaxRecords: 100,
      },
      {
        AlarmNames: ["dub-5xx", "dub-latency", "dub-health"],
        AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
        MaxRecords: 100,
        NextToken: "token-1",
      },
    ]);
  });

  it("asks for at most 100 names at a time, each batch to its last page", async () => {
    const alarms = Array.from({ length: 230 }, (_, i) => ({
      name: `alarm-${String(i).padStart(3, "0")}`,
      type: i % 10 === 0 ? ("CompositeAlarm" as const) : ("MetricAlarm" as const),
      state: "OK",
    }));
    const client = pagingClient(alarms, 40);
    const reader = awsAlarmStateReader(driverCredentials, client.newClient);
    const states = await reader.describe(
      scope,
      alarms.map((a) => a.name),
      never,
    );
    expect(states.map((s) => s.name).sort()).to.deep.equal(alarms.map((a) => a.name));
    // 100 + 100 + 30 names; 40 alarms a page: 3 + 3 + 1 requests.
    expect(client.sent.map((input) => input.AlarmNames?.length)).to.deep.equal([
      100, 100, 100, 100, 100, 100, 30,
    ]);
  });
});
