/**
 * Release metrics from the driver's journal events: the figures the control plane's release
 * dashboard graphs (infra/control/release-dashboard.ts). Pure: the sinks below decide where
 * they go.
 */
import {
  REGION_DIMENSION,
  RELEASE_DIMENSION,
  RELEASE_METRICS,
  ReleaseMetric,
} from "../../infra/control/release-metric-names";
import type { JournalEvent } from "../journal/journal-events";

/** One figure, in CloudWatch's terms. */
export interface ReleaseDatum {
  readonly metric: string;
  readonly unit: "Seconds" | "Count";
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestamp: string;
}

function datum(
  metric: ReleaseMetric,
  value: number,
  release: string,
  region: string | undefined,
  timestamp: string,
): ReleaseDatum {
  return {
    metric: metric.name,
    unit: metric.unit,
    value,
    dimensions: metric.byRegion
      ? { [RELEASE_DIMENSION]: release, [REGION_DIMENSION]: region ?? "unknown" }
      : { [RELEASE_DIMENSION]: release },
    timestamp,
  };
}

/**
 * Follows one release's events and turns the ones the dashboard counts into figures: a
 * completed wave, a rollback (in the wave the line stopped in), each failing gate, and the
 * release's duration when it finishes (from its release-started; on a resumed run, from the
 * first event this run saw).
 */
export class ReleaseMetricsTracker {
  private startedAt: string | undefined;
  private wave: string | undefined;

  constructor(private readonly release: string) {}

  figures(event: JournalEvent): ReleaseDatum[] {
    this.startedAt ??= event.at;
    switch (event.type) {
      case "release-started":
        this.startedAt = event.at;
        return [];
      case "wave-started":
        this.wave = event.wave;
        return [];
      case "wave-completed":
        return [datum(RELEASE_METRICS.wavesCompleted, 1, this.release, event.wave, event.at)];
      case "rollback-started":
        return [datum(RELEASE_METRICS.rollbacks, 1, this.release, this.wave, event.at)];
      case "gate-evaluated": {
        const failed = event.gates.filter((gate) => gate.verdict === "fail").length;
        return failed > 0
          ? [datum(RELEASE_METRICS.gateFailures, failed, this.release, event.wave, event.at)]
          : [];
      }
      case "release-finished": {
        const seconds = (Date.parse(event.at) - Date.parse(this.startedAt)) / 1000;
        return Number.isFinite(seconds) && seconds >= 0
          ? [datum(RELEASE_METRICS.releaseDuration, seconds, this.release, undefined, event.at)]
          : [];
      }
      default:
        return [];
    }
  }
}
