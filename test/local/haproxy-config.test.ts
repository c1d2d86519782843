import { expect } from "chai";
import { HaproxySpec, needsReload, renderHaproxyConfig } from "../../infra/local/haproxy/config";
import { desiredSlots } from "../../infra/local/haproxy/slots";

function spec(weights = { blue: 100, green: 0 }, slotsPerColor = 2): HaproxySpec {
  return {
    outpost: "nyc-lab1",
    backend: "storefront",
    frontendPort: 18080,
    socketPath: "/run/x/haproxy.sock",
    healthCheck: { path: "/health", intervalMs: 500, timeoutMs: 400, rise: 2, fall: 2 },
    slots: desiredSlots({ slotsPerColor, ports: { blue: [4001, 4002], green: [5001] }, weights }),
  };
}

describe("local HAProxy config rendering", () => {
  const text = renderHaproxyConfig(spec({ blue: 90, green: 10 }));

  it("binds the frontend on loopback only and exposes an admin runtime socket", () => {
    expect(text).to.include("    bind 127.0.0.1:18080\n");
    expect(text).to.match(
      /stats socket \/run\/x\/haproxy\.sock mode 600 level admin expose-fd listeners/,
    );
  });

  it("health-checks every server on the app's health path with the configured thresholds", () => {
    expect(text).to.include("option httpchk GET /health");
    expect(text).to.include("http-check expect status 200");
    expect(text).to.match(/default-server inter 500ms .* rise 2 fall 2/);
  });

  it("declares every slot with its weight, disabled when empty", () => {
    expect(text).to.include("server blue-1 127.0.0.1:4001 weight 90 check\n");
    // One green server against two blue: twice the weight keeps the 90/10 split per color.
    expect(text).to.include("server green-1 127.0.0.1:5001 weight 20 check\n");
    expect(text).to.include("server green-2 127.0.0.1:1 weight 0 check disabled\n");
  });

  it("retries failed connections on another server but never retries 5xx", () => {
    expect(text).to.include("option redispatch 1");
    expect(text).to.include("retry-on conn-failure empty-response response-timeout");
    expect(text).not.to.match(/retry-on .*(5\d\d|all-retryable)/);
  });

  it("needs no reload for weight or server changes, only for structure", () => {
    expect(needsReload(spec({ blue: 100, green: 0 }), spec({ blue: 0, green: 100 }))).to.equal(
      false,
    );
    expect(needsReload(spec(), spec(undefined, 3))).to.equal(true);
    expect(
      needsReload(spec(), { ...spec(), healthCheck: { ...spec().healthCheck, path: "/ready" } }),
    ).to.equal(true);
  });
});
