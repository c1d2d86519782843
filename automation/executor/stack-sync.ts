import { PendingOperationsError } from "../engine/engine-port";
import { messageOf, withRetries } from "../support/retry";
import type { ExecutionContext } from "./execution-context";

export interface StackSyncFailure {
  readonly stack: string;
  readonly reason: string;
  /** The stack holds pending operations: nothing may change it before a repair. */
  readonly needsRepair: boolean;
}

/**
 * `sync-stack`: one untargeted `up` per stack, in parallel, so the stack-wide resources (the
 * config parameters, the fingerprint) follow the stack's `release` config. Every per-Outpost
 * `up` is targeted at the Outposts' sites and leaves those resources alone, so this is the
 * only step that moves them. Afterwards the stack's outputs must report `release`.
 */
export async function syncStacks(
  context: ExecutionContext,
  stacks: readonly string[],
  release: (stack: string) => string | undefined,
  options: { readonly attempts?: number } = {},
): Promise<StackSyncFailure[]> {
  const { engine, clock, log } = context.deps;
  const results = await Promise.allSettled(
    stacks.map((stack) =>
      withRetries(
        () =>
          context.withStack(stack, async () => {
            const expected = release(stack);
            // Written again, not assumed: a resumed driver's stack file may be behind.
            if (expected !== undefined)
              await engine.writeDriverConfig(stack, { release: expected });
            await engine.up(stack);
            const reported = (await engine.outputs(stack)).release;
            if (expected !== undefined && reported !== expected) {
              throw new Error(`stack ${stack} reports release ${reported}, expected ${expected}`);
            }
          }),
        {
          attempts: options.attempts ?? 1,
          clock,
          retryable: (err) => !(err instanceof PendingOperationsError),
          onRetry: (err, attempt) =>
            log.warn({ stack, attempt, err: messageOf(err) }, "stack sync failed; retrying"),
        },
      ),
    ),
  );
  return results.flatMap((result, i) =>
    result.status === "fulfilled"
      ? []
      : [
          {
            stack: stacks[i],
            reason: `${stacks[i]}: ${messageOf(result.reason)}`,
            needsRepair: result.reason instanceof PendingOperationsError,
          },
        ],
  );
}
