/**
 * Entry point of the Pulumi program. The only place that reads pulumi.Config: it collects the
 * stack layer, hands typed values to fleetProgram, and turns config mistakes into a clean
 * error (no stack trace) that lists every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError } from "./config";
import { readStackConfig } from "./stack-config";
import { fleetProgram } from "./program";
import { recordProgramTimings } from "./program-timings";

recordProgramTimings();

function main(): Record<string, unknown> {
  try {
    const { layer, secrets, inventory } = readStackConfig();
    return fleetProgram(layer, secrets, inventory);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

export = main();
