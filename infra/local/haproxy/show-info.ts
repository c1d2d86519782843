/** HAProxy's `show info` answer: one `Name: value` line per figure of the running worker. */
export function parseShowInfo(text: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9_-]+): (.*)$/.exec(line.trim());
    if (match !== null) info[match[1]] = match[2];
  }
  return info;
}

/**
 * Names the lifetime of the worker's counters: `<pid>@<start time>`. Counters start from zero
 * in every new worker (a reload, a restart), so two reads are comparable only when this is
 * the same in both.
 */
export function counterLifetime(info: Readonly<Record<string, string>>): string {
  const pid = info.Pid;
  if (pid === undefined || pid === "") {
    throw new Error(`"show info" has no Pid: ${JSON.stringify(info).slice(0, 200)}`);
  }
  return `${pid}@${info.Start_time_sec ?? "?"}`;
}
