import { fail, type Gate, type GateTarget, type Measurement, pass } from "./gate";

/**
 * After `up`, the program must report the release on the candidate color (the one that was
 * idle when the release started). Catches a config change the program did not apply.
 */
export class OutputsVersionGate implements Gate {
  readonly name = "outputs-version";

  measure(target: GateTarget): Promise<Measurement> {
    const color = target.candidateColor;
    const reported = target.outputs.versions[color];
    return Promise.resolve(
      reported === target.release
        ? pass(`${color} runs ${reported}`)
        : fail(`${color} reports ${reported}, expected ${target.release}`),
    );
  }
}
