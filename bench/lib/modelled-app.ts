import type { IncomingMessage, ServerResponse } from "node:http";
import { parseAppConfig } from "../../app/app-options";
import { createHandler } from "../../app/routes";
import type { HttpExchange } from "../../automation/gates/adapters/http-exchange";
import type { Color } from "../../infra/contract";
import type { Clock } from "../../automation/support/clock";
import type { OutpostWorld } from "./outpost-world";
import type { Random } from "./seeded-random";
import type { SimulatedArgo } from "./simulated-argo";
import { routeOf } from "./simulated-names";

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The sample app answering the driver's probes and the staging checks on the simulated fleet:
 * the app's own request handler (app/routes.ts, the code the instances run), called in this
 * process with the version and color the request would reach, then the answer is held for the
 * round trip from the driver plus the app's median response time on the virtual clock. Which
 * color answers: the candidate on the test listener (preview), the listener weights on the
 * production endpoint, the Rollout's canary weight on its Ingress; plain http on port 80 is the
 * ALB's redirect to https (infra/aws/traffic-switch.ts).
 */
export class ModelledApp {
  private readonly handlers = new Map<string, ReturnType<typeof createHandler>>();

  constructor(
    private readonly world: OutpostWorld,
    private readonly argo: SimulatedArgo,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly regionOf: (stack: string) => string,
  ) {}

  readonly exchange: HttpExchange = {
    send: async (request, signal) => {
      const started = this.clock.now();
      const answer = await this.send(request.method, request.url, signal);
      return { ...answer, latencyMs: this.clock.now() - started };
    },
  };

  private async send(method: string, url: string, signal: AbortSignal): Promise<Answer> {
    const route = routeOf(url);
    const times = this.world.times;
    const latency = (times.roundTripMs[this.regionOf(route.stack)] ?? 0) + times.appLatencyMs.p50;
    await this.clock.sleep(latency, signal);
    if (route.door === "plain-http") {
      return { status: 301, headers: { location: url.replace(/^http:/, "https:") }, body: "" };
    }
    const { version, color } = this.whoAnswers(route.stack, route.outpost, route.door);
    return this.answer(route.outpost, version, color, method, route.path);
  }

  private whoAnswers(
    stack: string,
    outpost: string,
    door: "production" | "preview" | "ingress",
  ): { version: string; color: Color } {
    const site = this.world.site(stack, outpost);
    const weights = this.world.weightsNow(stack, outpost);
    const active: Color = weights.blue >= weights.green ? "blue" : "green";
    if (door === "preview") {
      const candidate: Color = active === "blue" ? "green" : "blue";
      return { version: site.colors[candidate].version, color: candidate };
    }
    if (door === "ingress") {
      const canary = this.argo.canaryWeight(stack, outpost);
      const onCanary = canary !== undefined && this.random() * 100 < canary.weight;
      const version =
        canary === undefined
          ? site.colors[active].version
          : onCanary
            ? canary.version
            : canary.previous;
      return { version, color: active };
    }
    const color: Color = this.random() * 100 < weights.blue ? "blue" : "green";
    return { version: site.colors[color].version, color };
  }

  private async answer(
    outpost: string,
    version: string,
    color: Color,
    method: string,
    path: string,
  ): Promise<Answer> {
    const key = `${outpost}/${version}/${color}`;
    let handler = this.handlers.get(key);
    if (handler === undefined) {
      // The instance's own configuration, from the environment its user data sets.
      const config = parseAppConfig({
        APP_VERSION: version,
        APP_COLOR: color,
        OUTPOST: outpost,
        APP_FAULT_ERROR_RATE: String(this.world.errorRate(version)),
      });
      handler = createHandler(
        config,
        { draining: false },
        {
          random: this.random,
          sleep: (ms) => this.clock.sleep(ms),
          pid: 1,
        },
      );
      this.handlers.set(key, handler);
    }
    return new Promise<Answer>((resolve, reject) => {
      const headers: Record<string, string> = {};
      let status = 200;
      // The two halves of node:http the handler touches, without a socket.
      const request = { method, url: path, headers: { accept: "application/json" } };
      const response = {
        set statusCode(value: number) {
          status = value;
        },
        setHeader(name: string, value: string) {
          headers[name.toLowerCase()] = value;
        },
        end(body?: string) {
          resolve({ status, headers, body: body ?? "" });
        },
      };
      handler(request as unknown as IncomingMessage, response as unknown as ServerResponse).catch(
        reject,
      );
    });
  }
}
