import type { ColorSplit } from "../progress/stage-traffic";
import { describeFigure } from "../progress/event-summary";
import type { Notification } from "./notification";

export const describeSplit = (split: ColorSplit | null): string =>
  split ? `blue ${split.blue}% / green ${split.green}%` : "unknown";

/** The facts people read in a chat message, in order; absent fields are left out. */
export function notificationFacts(n: Notification): { title: string; value: string }[] {
  const facts: { title: string; value: string }[] = [
    { title: "Release", value: `${n.release} (attempt ${n.attempt})` },
    { title: "Event", value: n.event },
  ];
  const add = (title: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== "")
      facts.push({ title, value: String(value) });
  };
  add("Wave", n.wave);
  add("Region", n.region);
  add("Outpost", n.stack && n.outpost ? `${n.stack}/${n.outpost}` : null);
  add("Ring", n.ring === null ? null : n.ring === 0 ? "0 (canary)" : n.ring);
  add("Step", n.step);
  if (n.gate) {
    add("Gate", `${n.gate.name}: ${n.gate.verdict}`);
    add("Observed", n.gate.figures.map(describeFigure).join(", ") || n.gate.detail);
  }
  if (n.weights) {
    add("Weights before", describeSplit(n.weights.before));
    add("Weights after", describeSplit(n.weights.after));
  } else if (n.outposts.length > 1) {
    add(
      "Outposts",
      n.outposts
        .map(
          (o) =>
            `${o.stage}: ${describeSplit(o.weights.before)} -> ${describeSplit(o.weights.after)}`,
        )
        .join("; "),
    );
  }
  add("Outcome", n.outcome);
  add("Fleet", n.splitFleet);
  if (!n.gate) add("Reason", n.reason);
  add("Actor", n.actor);
  add("At", n.occurredAt);
  return facts;
}
