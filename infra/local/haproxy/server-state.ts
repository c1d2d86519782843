/** One server as HAProxy reports it in `show servers state <backend>`. */
export interface ObservedServer {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** 0 stopped, 1 starting, 2 running, 3 stopping. */
  readonly operationalState: number;
  /** Bit field: forced/inherited/resolution maintenance, forced/inherited drain. */
  readonly adminState: number;
  /** Current (user) weight. */
  readonly weight: number;
}

/** Admin-state bits that take a server out of service: FMAINT | IMAINT | RMAINT. */
const MAINTENANCE_BITS = 0x01 | 0x02 | 0x20;
/** FDRAIN | IDRAIN. */
const DRAIN_BITS = 0x08 | 0x10;
const RUNNING = 2;

export function inMaintenance(server: ObservedServer): boolean {
  return (server.adminState & MAINTENANCE_BITS) !== 0;
}

/** Up, out of maintenance and not draining: it takes its share when its weight is above 0. */
export function isServing(server: ObservedServer): boolean {
  return (
    !inMaintenance(server) &&
    (server.adminState & DRAIN_BITS) === 0 &&
    server.operationalState === RUNNING
  );
}

/**
 * Parses `show servers state <backend>` (format version 1): a version line, a `#` header
 * naming the columns, then one line per server.
 */
export function parseServersState(text: string): ObservedServer[] {
  const lines = text.split("\n").map((line) => line.trim());
  const header = lines.find((line) => line.startsWith("# be_id"));
  if (header === undefined) {
    throw new Error(
      `unexpected answer to "show servers state": ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  const columns = header.slice(2).split(/\s+/);
  const at = (fields: string[], name: string) => fields[columns.indexOf(name)];
  return lines
    .filter((line) => line !== "" && !line.startsWith("#") && /^\d+\s/.test(line))
    .map((line) => {
      const fields = line.split(/\s+/);
      return {
        name: at(fields, "srv_name"),
        address: at(fields, "srv_addr"),
        port: Number(at(fields, "srv_port")),
        operationalState: Number(at(fields, "srv_op_state")),
        adminState: Number(at(fields, "srv_admin_state")),
        weight: Number(at(fields, "srv_uweight")),
      };
    });
}
