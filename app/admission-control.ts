/**
 * Admission control: at most `limit` customer requests in flight at once; the next one is shed
 * at once with 503 and `Retry-After` instead of queueing until it times out, so under a
 * stress the requests the app admits keep their latency and the rest can be retried (RFC 9110,
 * section 15.6.4, "503 Service Unavailable", and 10.2.3, "Retry-After"). Probes are never shed:
 * an overloaded Outpost must not look dead to its load balancer. `limit` 0: no limit.
 */
export class AdmissionControl {
  private inFlight = 0;
  private shedCount = 0;

  constructor(private readonly limit: number) {}

  /** Admits a request (then `release` once it is answered) or refuses it. */
  tryAdmit(): boolean {
    if (this.limit > 0 && this.inFlight >= this.limit) {
      this.shedCount++;
      return false;
    }
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Requests shed since start. */
  get shed(): number {
    return this.shedCount;
  }
}
