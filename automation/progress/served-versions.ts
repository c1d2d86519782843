import type { Color } from "../../infra/contract";
import type { StackOutputs } from "../engine/engine-port";
import type { JournalEvent } from "../journal/journal-events";
import { allStages } from "../plan/plan-types";
import { type ColorSplit, splitOf, TrafficTracker } from "./stage-traffic";

// Which versions take each Outpost's traffic: from the journal (status, the live view, the
// notifications) or from the stacks' outputs (drift). Keyed "stack/outpost", like stage ids.

const COLORS: readonly Color[] = ["blue", "green"];

function serving(split: ColorSplit, versions: Readonly<Record<Color, string>>): string[] {
  return [...new Set(COLORS.filter((color) => split[color] > 0).map((color) => versions[color]))];
}

/**
 * The versions each Outpost of the latest attempt's plan serves, as far as its journal knows:
 * its baseline, what the steps observed, what the rollback put back.
 */
export function servedVersionsFromJournal(
  events: readonly JournalEvent[],
): Record<string, string[]> {
  const start = events.map((e) => e.type).lastIndexOf("release-started");
  if (start < 0) return {};
  const attempt = events.slice(start);
  const tracker = new TrafficTracker();
  for (const event of attempt) tracker.apply(event);
  const first = attempt[0];
  if (first.type !== "release-started") return {};
  const served: Record<string, string[]> = {};
  for (const stage of allStages(first.plan)) {
    const traffic = tracker.get(stage.id);
    if (traffic) served[stage.id] = serving(traffic.split, traffic.versions);
  }
  return served;
}

/** The versions each Outpost serves by its stack's outputs (the listener weights). */
export function servedVersionsFromOutputs(
  outputs: Readonly<Record<string, StackOutputs | undefined>>,
): Record<string, string[]> {
  const served: Record<string, string[]> = {};
  for (const [stack, stackOutputs] of Object.entries(outputs)) {
    if (stackOutputs === undefined) continue;
    for (const [name, outpost] of Object.entries(stackOutputs.outposts)) {
      const split = splitOf(outpost.activeColor, outpost.candidateWeight, outpost.weights);
      served[`${stack}/${name}`] = serving(split, outpost.versions);
    }
  }
  return served;
}
