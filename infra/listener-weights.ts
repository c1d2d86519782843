import { Color, COLORS, otherColor, OutpostDeploymentState, versionOf } from "./contract";

/**
 * Listener weights by color. The active color takes what the candidate does not; ALB accepts
 * 0-999 per target group, and percent keeps the numbers readable in consoles and logs.
 */
export function listenerWeights(state: OutpostDeploymentState): Record<Color, number> {
  const candidate = otherColor(state.activeColor);
  return {
    [state.activeColor]: 100 - state.candidateWeight,
    [candidate]: state.candidateWeight,
  } as Record<Color, number>;
}

export interface ColorCapacity {
  readonly min: number;
  readonly desired: number;
  readonly max: number;
}

/**
 * Size of one color. The active color, and a candidate that takes traffic or is kept warm,
 * run at full size; an idle color that is neither is scaled to zero but keeps its resources,
 * so that the next release or a rollback never has to create or rename anything.
 */
export function colorCapacity(
  state: OutpostDeploymentState,
  color: Color,
  full: ColorCapacity,
): ColorCapacity {
  const serving = color === state.activeColor || state.candidateWeight > 0 || state.idleWarm;
  return serving ? full : { min: 0, desired: 0, max: full.max };
}

export { COLORS, versionOf };
