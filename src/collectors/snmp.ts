/**
 * /proc/net/snmp (and netstat): pairs of lines, a header "Udp: InDatagrams NoPorts …" followed by
 * "Udp: 123 0 …". Returns protocol → counter → value.
 */
export type SnmpCounters = Map<string, Map<string, number>>;

export function parseSnmp(text: string): SnmpCounters {
  const out: SnmpCounters = new Map();
  const lines = text.split("\n").filter((l) => l.includes(":"));
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [proto, ...names] = lines[i]!.trim().split(/\s+/);
    const [proto2, ...values] = lines[i + 1]!.trim().split(/\s+/);
    if (!proto || proto !== proto2) continue;
    const m = new Map<string, number>();
    names.forEach((n, j) => m.set(n, Number(values[j] ?? 0)));
    out.set(proto.replace(/:$/, ""), m);
  }
  return out;
}

export function snmpDelta(a: SnmpCounters, b: SnmpCounters): SnmpCounters {
  const out: SnmpCounters = new Map();
  for (const [proto, counters] of b) {
    const prev = a.get(proto);
    const m = new Map<string, number>();
    // Gauges (CurrEstab, RtoMin…) are reported as they are, not differenced.
    for (const [k, v] of counters) m.set(k, GAUGES.has(`${proto}.${k}`) ? v : v - (prev?.get(k) ?? 0));
    out.set(proto, m);
  }
  return out;
}

/** Levels and settings, reported as they are, not differenced. */
const GAUGES = new Set([
  "Tcp.CurrEstab",
  "Tcp.RtoAlgorithm",
  "Tcp.RtoMin",
  "Tcp.RtoMax",
  "Tcp.MaxConn",
  "Ip.Forwarding",
  "Ip.DefaultTTL",
]);

export function isSnmpGauge(protocol: string, name: string): boolean {
  return GAUGES.has(`${protocol}.${name}`);
}

/** The gauges' counter names ("CurrEstab", "RtoMin", …): levels when intervals are merged. */
export const SNMP_GAUGE_NAMES: ReadonlySet<string> = new Set([...GAUGES].map((g) => g.split(".")[1]!));
