import type { Clock } from "../support/clock";
import type { EnginePort } from "./engine-port";

/** Where a driver's time went: inside engine calls, and the rest (gates, bakes, journal). */
export interface EngineTimings {
  /** From the first call to `report` since the timer was made. */
  readonly wallMs: number;
  /** Time with at least one engine call in flight: overlapping calls count once. */
  readonly engineMs: number;
  /** wallMs - engineMs: gates, bakes, waits and the driver's own work. */
  readonly driverMs: number;
  /** Engine calls by method, e.g. { up: 12, outputs: 14 }. */
  readonly calls: Readonly<Record<string, number>>;
}

/**
 * Times every engine call of a driver. Calls of several stacks may run at once (previews,
 * batches across stacks), so the engine's share is the union of the intervals in which any
 * call was in flight, never their sum: engineMs + driverMs is the wall time.
 */
export class EngineTimer {
  private readonly startedAt: number;
  private inFlight = 0;
  private busySince = 0;
  private busyMs = 0;
  private readonly calls: Record<string, number> = {};

  constructor(private readonly clock: Pick<Clock, "now">) {
    this.startedAt = clock.now();
  }

  /** Runs one engine call, counting it and its time. */
  async time<T>(method: string, call: () => Promise<T>): Promise<T> {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    if (this.inFlight++ === 0) this.busySince = this.clock.now();
    try {
      return await call();
    } finally {
      if (--this.inFlight === 0) this.busyMs += this.clock.now() - this.busySince;
    }
  }

  report(): EngineTimings {
    const now = this.clock.now();
    const engineMs = this.busyMs + (this.inFlight > 0 ? now - this.busySince : 0);
    const wallMs = now - this.startedAt;
    return { wallMs, engineMs, driverMs: wallMs - engineMs, calls: { ...this.calls } };
  }
}

/** The same engine with every call timed by `timer`. */
export function timedEngine(engine: EnginePort, timer: EngineTimer): EnginePort {
  return {
    prepareStack: (stack) => timer.time("prepareStack", () => engine.prepareStack(stack)),
    readDriverConfig: (stack) =>
      timer.time("readDriverConfig", () => engine.readDriverConfig(stack)),
    writeDriverConfig: (stack, change) =>
      timer.time("writeDriverConfig", () => engine.writeDriverConfig(stack, change)),
    preview: (stack, options) => timer.time("preview", () => engine.preview(stack, options)),
    up: (stack, options) => timer.time("up", () => engine.up(stack, options)),
    outputs: (stack) => timer.time("outputs", () => engine.outputs(stack)),
    refresh: (stack, options) => timer.time("refresh", () => engine.refresh(stack, options)),
    pendingOperations: (stack) =>
      timer.time("pendingOperations", () => engine.pendingOperations(stack)),
    cancel: (stack) => timer.time("cancel", () => engine.cancel(stack)),
    readConfig: (stack) => timer.time("readConfig", () => engine.readConfig(stack)),
    kubeconfig: (stack, outpost) =>
      timer.time("kubeconfig", () => engine.kubeconfig(stack, outpost)),
  };
}
