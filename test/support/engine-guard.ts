import { requirePulumiCli } from "../../automation/engine/pulumi-environment";
import { findExecutable } from "../../infra/local/local-runtime";

/** Set to 1 to skip tests that need the real engine or HAProxy; CI never sets it. */
export const SKIP_ENGINE_TESTS = process.env.OUTPOST_FLEET_SKIP_ENGINE_TESTS === "1";

/**
 * Guards a suite that needs the real Pulumi CLI (and HAProxy when `haproxy` is true). It skips
 * only when asked to; a missing tool fails the suite with what to run, so CI can never pass by
 * skipping what it was meant to test.
 */
export function requireEngine(context: Mocha.Context, needs: { haproxy?: boolean } = {}): void {
  if (SKIP_ENGINE_TESTS) context.skip();
  requirePulumiCli();
  if (needs.haproxy && findExecutable("haproxy", process.env.PATH) === undefined) {
    throw new Error(
      "HAProxy is not installed: run npm run toolchain (it installs it with apt-get)",
    );
  }
}
