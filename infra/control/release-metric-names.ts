/**
 * The release metrics: what the driver publishes (automation/metrics/) and what the control
 * plane's dashboard shows. Plain data, shared by both sides; loads no SDK.
 */

/** The custom CloudWatch namespace of release metrics. */
export const RELEASE_METRICS_NAMESPACE = "OutpostFleet/Releases";

/** Dimension names: the release (its version) and the region group (the driver's wave). */
export const RELEASE_DIMENSION = "Release";
export const REGION_DIMENSION = "Region";

/** Metric names, with their CloudWatch unit and the dimensions they carry. */
export const RELEASE_METRICS = {
  /** Seconds from release-started to release-finished, once per driver run that finishes. */
  releaseDuration: { name: "ReleaseDuration", unit: "Seconds", byRegion: false },
  /** 1 for each wave the driver completes. */
  wavesCompleted: { name: "WavesCompleted", unit: "Count", byRegion: true },
  /** 1 for each rollback the driver starts (in the wave it stopped in). */
  rollbacks: { name: "Rollbacks", unit: "Count", byRegion: true },
  /** 1 for each failing gate of an analysis. */
  gateFailures: { name: "GateFailures", unit: "Count", byRegion: true },
} as const;

export type ReleaseMetric = (typeof RELEASE_METRICS)[keyof typeof RELEASE_METRICS];
