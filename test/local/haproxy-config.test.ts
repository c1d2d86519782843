import { expect } from "chai";
import {
  HaproxySpec,
  needsReload,
  renderHaproxyConfig,
} from "../../infra/local/haproxy/haproxy-config";
import { desiredSlots, previewSlots } from "../../infra/local/haproxy/slots";

function spec(weights = { blue: 100, green: 0 }, slotsPerColor = 2): HaproxySpec {
  const slots = desiredSlots({
    slotsPerColor,
    ports: { blue: [4001, 4002], green: [5001] },
    weights,
  });
  return {
    outpost: "nyc-lab1",
    backend: "storefront",
    frontendPort: 18080,
    previewPort: 18081,
    socketPath: "/run/x/haproxy.sock",
    healthCheck: { path: "/health", intervalMs: 500, timeoutMs: 400, rise: 2, fall: 2 },
    slots,
    previewSlots: previewSlots(slots, "blue"),
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

  it("adds a preview frontend on its own loopback port, whose servers track the production ones", () => {
    expect(text).to.include(
      [
        "frontend fe_storefront-preview",
        "    bind 127.0.0.1:18081",
        "    default_backend storefront-preview",
      ].join("\n"),
    );
    expect(text).to.include("backend storefront-preview\n    balance roundrobin\n");
    // Only the candidate (green, blue is active) has weight there, whatever the 90/10 above.
    expect(text).to.include(
      "    server blue-1 127.0.0.1:4001 weight 0 track storefront/blue-1\n" +
        "    server blue-2 127.0.0.1:4002 weight 0 track storefront/blue-2\n" +
        "    server green-1 127.0.0.1:5001 weight 1 track storefront/green-1\n" +
        "    server green-2 127.0.0.1:1 weight 0 track storefront/green-2\n",
    );
    // Tracking servers take health and maintenance from their twins: no checks of their own.
    const preview = text.slice(text.indexOf("backend storefront-preview"));
    expect(preview).not.to.match(/ check|disabled|httpchk/);
  });

  it("needs no reload for weight or server changes, only for structure", () => {
    expect(needsReload(spec({ blue: 100, green: 0 }), spec({ blue: 0, green: 100 }))).to.equal(
      false,
    );
    expect(needsReload(spec(), spec(undefined, 3))).to.equal(true);
    expect(
      needsReload(spec(), { ...spec(), healthCheck: { ...spec().healthCheck, path: "/ready" } }),
    ).to.equal(true);
    expect(needsReload(spec(), { ...spec(), previewPort: 18090 })).to.equal(true);
    expect(
      needsReload(spec(), { ...spec(), previewSlots: previewSlots(spec().slots, "green") }),
    ).to.equal(false);
  });
});
