import { setMaxListeners } from "node:events";
import type { RunOutcome } from "./run-outcome";
import type { LineStop } from "./stop-the-line";

/** How one node's work ended (guarded-step.ts's `StepEnd`, for any node). */
export type NodeEnd =
  | { readonly kind: "done" }
  | { readonly kind: "held"; readonly outcome: RunOutcome }
  | { readonly kind: "stop"; readonly stop: LineStop }
  | { readonly kind: "interrupted" };

/** How the whole graph ended: every node done, held at a boundary, or the line must stop. */
export type GraphEnd =
  | { readonly kind: "done" }
  | { readonly kind: "held"; readonly outcome: RunOutcome }
  | { readonly kind: "stop"; readonly stop: LineStop };

export interface GraphNode {
  readonly id: string;
  readonly after: readonly string[];
}

/**
 * Runs every node once all the nodes it comes after are done, as many side by side as the
 * graph allows. The first stop aborts the nodes in flight (through `signal`) and, once they
 * have all returned, is the graph's end: the caller stops the line with nothing else running.
 * A hold (a pause, a freeze window, a declined approval) starts nothing more and lets the
 * nodes in flight finish their step; a stop among them still wins. A thrown error aborts the
 * rest and is rethrown once they have returned.
 */
export async function runGraph<N extends GraphNode>(
  nodes: readonly N[],
  run: (node: N, signal: AbortSignal) => Promise<NodeEnd>,
): Promise<GraphEnd> {
  const controller = new AbortController();
  // Every gate in flight listens on it (a whole wave's batch, and the next wave's canary).
  setMaxListeners(0, controller.signal);
  const done = new Set<string>();
  const started = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  let stop: LineStop | undefined;
  let held: RunOutcome | undefined;
  let thrown: { readonly error: unknown } | undefined;

  const launch = (node: N) => {
    started.add(node.id);
    const settled = run(node, controller.signal).then(
      (end) => {
        if (end.kind === "done") done.add(node.id);
        else if (end.kind === "stop") {
          stop ??= end.stop;
          controller.abort(new Error(`line stopped: ${end.stop.reason}`));
        } else if (end.kind === "held") held ??= end.outcome;
      },
      (error: unknown) => {
        thrown ??= { error };
        controller.abort(error);
      },
    );
    inFlight.set(
      node.id,
      settled.finally(() => inFlight.delete(node.id)),
    );
  };

  for (;;) {
    if (stop === undefined && held === undefined && thrown === undefined) {
      for (const node of nodes) {
        if (!started.has(node.id) && node.after.every((id) => done.has(id))) launch(node);
      }
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.values());
  }
  if (thrown) throw thrown.error;
  if (stop) return { kind: "stop", stop };
  if (held) return { kind: "held", outcome: held };
  const stuck = nodes.filter((node) => !done.has(node.id));
  if (stuck.length > 0) {
    throw new Error(
      `release graph cannot finish: ${stuck.map((n) => n.id).join(", ")} wait forever`,
    );
  }
  return { kind: "done" };
}
