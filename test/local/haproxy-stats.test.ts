import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  colorTraffic,
  ColorTrafficStats,
  serversOfTargetGroups,
  sumFigures,
  trafficDelta,
} from "../../infra/local/haproxy/traffic-figures";
import { counterLifetime, parseShowInfo } from "../../infra/local/haproxy/show-info";
import { parseStatsCsv } from "../../infra/local/haproxy/stats-csv";

/**
 * Captured from a real local balancer on HAProxy 2.6.12: candidate green (2.1.0, 30% injected
 * errors, one process) at 10% beside blue (2.0.0, two processes); 200 production requests,
 * then 20 on the preview frontend. `show info; show stat storefront -1 -1`, and `show stat`.
 */
const CAPTURED = path.join(__dirname, "captured");
const INFO_AND_STAT = fs.readFileSync(
  path.join(CAPTURED, "haproxy-2.6-show-info-stat.txt"),
  "utf8",
);
const ALL_STAT = fs.readFileSync(path.join(CAPTURED, "haproxy-2.6-show-stat-all.txt"), "utf8");

const SERVERS = { blue: ["blue-1", "blue-2"], green: ["green-1", "green-2"] };

describe("local HAProxy statistics: show stat", () => {
  it("parses every row with the fields the gates use, by column name", () => {
    const rows = parseStatsCsv(INFO_AND_STAT);
    expect(rows.map((r) => `${r.proxy}/${r.name}:${r.kind}`)).to.deep.equal([
      "storefront/blue-1:server",
      "storefront/blue-2:server",
      "storefront/green-1:server",
      "storefront/green-2:server",
      "storefront/BACKEND:backend",
    ]);
    expect(rows[2]).to.deep.equal({
      proxy: "storefront",
      name: "green-1",
      kind: "server",
      status: "UP 1/2",
      requests: 19,
      responses5xx: 5,
      connectionErrors: 0,
      responseErrors: 0,
      meanResponseMs: 1,
      meanTotalMs: 2,
      maxResponseMs: 4,
      maxTotalMs: 5,
    });
    expect(rows[3]).to.include({ status: "MAINT", requests: 0, meanResponseMs: 0 });
  });

  it("reads frontends, both backends and the tracking preview servers of a full answer", () => {
    const rows = parseStatsCsv(ALL_STAT);
    const at = (proxy: string, name: string) =>
      rows.find((r) => r.proxy === proxy && r.name === name)!;
    // A frontend has no response times: empty cells read as 0.
    expect(at("fe_storefront", "FRONTEND")).to.include({
      kind: "frontend",
      requests: 201,
      meanResponseMs: 0,
    });
    expect(at("storefront-preview", "green-2")).to.include({
      status: "MAINT (via storefront/green-2)",
    });
    expect(at("storefront-preview", "BACKEND")).to.include({ requests: 20, responses5xx: 8 });
    expect(at("storefront-preview", "blue-1")).to.include({ requests: 0 });
  });

  it("fails clearly on an answer that is not statistics, or lacks a column", () => {
    expect(() => parseStatsCsv("Unknown command.\n")).to.throw(/unexpected answer to "show stat"/);
    expect(() => parseStatsCsv("# pxname,svname,type,status\nx,y,2,UP\n")).to.throw(
      /no req_tot column/,
    );
    const header =
      "# pxname,svname,type,status,req_tot,hrsp_5xx,econ,eresp,rtime,ttime,rtime_max,ttime_max";
    expect(() => parseStatsCsv(`${header}\nstorefront,blue-1,2,UP,many,0,0,0,0,0,0,0\n`)).to.throw(
      /column req_tot is "many"/,
    );
  });
});

describe("local HAProxy statistics: show info", () => {
  it("names the counters' lifetime by the worker's pid and start time", () => {
    const info = parseShowInfo(INFO_AND_STAT);
    expect(info.Version).to.equal("2.6.12-1+deb12u4");
    expect(counterLifetime(info)).to.equal(`${info.Pid}@${info.Start_time_sec}`);
    expect(counterLifetime(info)).to.match(/^\d+@\d+$/);
    expect(() => counterLifetime({})).to.throw(/no Pid/);
  });
});

describe("local HAProxy statistics: per color", () => {
  const rows = parseStatsCsv(INFO_AND_STAT);

  it("sums each color's servers: the candidate's errors stay the candidate's", () => {
    const stats = colorTraffic(rows, "storefront", SERVERS, "1@1", 1_000);
    expect(stats.colors.blue).to.include({ requests: 181, responses5xx: 0, servers: 2 });
    expect(stats.colors.green).to.include({ requests: 19, responses5xx: 5, servers: 2 });
    expect(stats.backendTotal).to.include({ requests: 200, responses5xx: 5, servers: 0 });
    expect(stats).to.include({ backend: "storefront", counters: "1@1", readAt: 1_000 });
  });

  it("takes server names as the targetGroups output gives them", () => {
    const servers = serversOfTargetGroups({
      blue: "storefront/blue-1,storefront/blue-2",
      green: "storefront/green-1,storefront/green-2",
    });
    expect(servers).to.deep.equal({
      blue: ["storefront/blue-1", "storefront/blue-2"],
      green: ["storefront/green-1", "storefront/green-2"],
    });
    const stats = colorTraffic(rows, "storefront", servers, "1@1", 0);
    expect(stats.colors.green.requests).to.equal(19);
    expect(() =>
      colorTraffic(rows, "storefront", { ...servers, blue: ["other/blue-1"] }, "1@1", 0),
    ).to.throw(/not in backend storefront/);
  });

  it("refuses servers or a backend that the answer does not have", () => {
    expect(() =>
      colorTraffic(rows, "storefront", { ...SERVERS, green: ["green-9"] }, "1@1", 0),
    ).to.throw(/has no server green-9/);
    expect(() => colorTraffic(rows, "other", SERVERS, "1@1", 0)).to.throw(/no backend other/);
  });

  it("weights moving means by the requests they cover, and keeps the slowest response", () => {
    const row = rows[0];
    const figures = sumFigures([
      { ...row, requests: 100, meanResponseMs: 10, maxResponseMs: 50 },
      { ...row, requests: 300, meanResponseMs: 30, maxResponseMs: 90 },
      // HAProxy's means cover the last 1024 requests, however many a server has had.
      { ...row, requests: 10_000, meanResponseMs: 2, maxResponseMs: 20 },
    ]);
    expect(figures.meanResponseMs).to.be.closeTo((10 * 100 + 30 * 300 + 2 * 1024) / 1424, 1e-9);
    expect(figures.maxResponseMs).to.equal(90);
    expect(sumFigures([]).meanResponseMs).to.equal(0);
  });
});

describe("local HAProxy statistics: between two reads", () => {
  const figures = (requests: number, responses5xx: number) => ({
    requests,
    responses5xx,
    connectionErrors: 0,
    responseErrors: 0,
    meanResponseMs: 3,
    meanTotalMs: 4,
    maxResponseMs: 9,
    servers: 2,
  });
  const read = (
    counters: string,
    readAt: number,
    blue: [number, number],
    green: [number, number],
  ): ColorTrafficStats => ({
    backend: "storefront",
    counters,
    readAt,
    colors: { blue: figures(...blue), green: figures(...green) },
    backendTotal: figures(blue[0] + green[0], blue[1] + green[1]),
  });

  it("subtracts counters color by color", () => {
    const delta = trafficDelta(
      read("7@100", 1_000, [500, 0], [40, 10]),
      read("7@100", 3_000, [680, 0], [60, 16]),
    );
    expect(delta).to.deep.equal({
      elapsedMs: 2_000,
      restarted: false,
      colors: {
        blue: {
          requests: 180,
          responses5xx: 0,
          connectionErrors: 0,
          responseErrors: 0,
          meanResponseMs: 3,
        },
        green: {
          requests: 20,
          responses5xx: 6,
          connectionErrors: 0,
          responseErrors: 0,
          meanResponseMs: 3,
        },
      },
    });
  });

  it("counts from zero when HAProxy restarted or reloaded in between", () => {
    const reloaded = trafficDelta(
      read("7@100", 0, [500, 0], [40, 10]),
      read("9@150", 1_000, [30, 0], [5, 1]),
    );
    expect(reloaded.restarted).to.equal(true);
    expect(reloaded.colors.green).to.include({ requests: 5, responses5xx: 1 });
    // Counters that went back under the same worker (`clear counters`) count as a restart too.
    const cleared = trafficDelta(
      read("7@100", 0, [500, 0], [40, 10]),
      read("7@100", 1_000, [20, 0], [45, 10]),
    );
    expect(cleared.restarted).to.equal(true);
    expect(() =>
      trafficDelta(read("7@100", 0, [1, 0], [1, 0]), {
        ...read("7@100", 0, [1, 0], [1, 0]),
        backend: "storefront-preview",
      }),
    ).to.throw(/different backends/);
  });
});
