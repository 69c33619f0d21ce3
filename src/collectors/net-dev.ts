/** Counters of one device from /proc/net/dev (one network namespace's view). */
export interface DevCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  rxFifo: number;
  rxFrame: number;
  rxCompressed: number;
  rxMulticast: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
  txFifo: number;
  txCollisions: number;
  txCarrier: number;
  txCompressed: number;
}

const FIELDS = [
  "rxBytes",
  "rxPackets",
  "rxErrors",
  "rxDropped",
  "rxFifo",
  "rxFrame",
  "rxCompressed",
  "rxMulticast",
  "txBytes",
  "txPackets",
  "txErrors",
  "txDropped",
  "txFifo",
  "txCollisions",
  "txCarrier",
  "txCompressed",
] as const;

// The name is everything before the colon that is followed by exactly 16 numbers, so a name with
// a colon or a space (old aliases, odd drivers) still parses.
const LINE = /^\s*(.+?):\s*((?:\d+\s+){15}\d+)\s*$/;

export function parseNetDev(text: string): DevCounters[] {
  const out: DevCounters[] = [];
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const nums = m[2]!.trim().split(/\s+/).map(Number);
    const dev = { name: m[1]! } as DevCounters;
    FIELDS.forEach((f, i) => (dev[f] = nums[i]!));
    out.push(dev);
  }
  return out;
}

/** Per-device increase; 64-bit counters do not wrap in practice, a decrease means a new device. */
export function netDevDelta(before: readonly DevCounters[], after: readonly DevCounters[]): DevCounters[] {
  const prev = new Map(before.map((d) => [d.name, d]));
  return after.map((d) => {
    const p = prev.get(d.name);
    const out = { name: d.name } as DevCounters;
    for (const f of FIELDS) out[f] = p && d[f] >= p[f] ? d[f] - p[f] : d[f];
    return out;
  });
}

/** Whether a device's interval delta moved anything: a packet either way, or a drop. */
export function deviceMoved(d: DevCounters): boolean {
  return d.rxPackets + d.txPackets + d.rxDropped + d.txDropped > 0;
}
