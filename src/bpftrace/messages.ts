import { quoteLongIntegers, toCounter, type Counter } from "./json-line.js";

/** One histogram bucket as bpftrace prints it; `min`/`max` absent on the under/overflow buckets. */
export interface HistBucket {
  min?: number;
  max?: number;
  count: number;
}

export interface StatsValue {
  count: number;
  average: number;
  total: Counter;
}

/** The typed form of one `-f json` line. Keys of keyed maps are the raw comma-joined text. */
export type BpftraceMessage =
  | { type: "attached_probes"; probes: number }
  | { type: "map"; name: string; scalar?: Counter; entries?: Map<string, Counter | string> }
  | { type: "hist"; name: string; scalar?: HistBucket[]; entries?: Map<string, HistBucket[]> }
  | { type: "stats"; name: string; scalar?: number | StatsValue; entries?: Map<string, number | StatsValue> }
  | { type: "printf"; text: string }
  | { type: "time"; text: string }
  | { type: "value"; value: unknown }
  | { type: "lost_events"; lost: number }
  | { type: "helper_error"; helper: string; retcode: number; line?: number; col?: number }
  | { type: "unknown"; rawType: string; raw: string };

/** A line that did not parse at all; reported as a value, never thrown. */
export interface LineError {
  type: "invalid";
  reason: string;
  raw: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseBuckets(v: unknown): HistBucket[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: HistBucket[] = [];
  for (const b of v) {
    if (!isRecord(b) || typeof b.count !== "number") return undefined;
    const bucket: HistBucket = { count: b.count };
    if (typeof b.min === "number") bucket.min = b.min;
    if (typeof b.max === "number") bucket.max = b.max;
    out.push(bucket);
  }
  return out;
}

function parseStats(v: unknown): number | StatsValue | undefined {
  if (typeof v === "number") return v;
  if (isRecord(v) && typeof v.count === "number" && typeof v.average === "number") {
    const total = toCounter(v.total);
    if (total === undefined) return undefined;
    return { count: v.count, average: v.average, total };
  }
  return undefined;
}

function mapValue(v: unknown): Counter | string | undefined {
  const c = toCounter(v);
  if (c !== undefined) return c;
  return typeof v === "string" ? v : undefined;
}

/**
 * bpftrace 0.23 escapes the newlines of a printed stack once more inside a JSON map key: the key
 * holds a backslash and "n" followed by the frame's indentation where 0.17 has a newline. Keys are
 * brought to the 0.17 form here, once, so the parsers read one shape.
 */
export function unescapeStackKey(k: string): string {
  return k.includes("\\n ") && !k.includes("\n") ? k.replace(/\\n/g, "\n") : k;
}

/**
 * Splits `{"@name": value}` into per-map messages. bpftrace prints one map per line, but a `print`
 * of several maps or a future version might not; we never assume exactly one.
 */
function parseMapLike(
  type: "map" | "hist" | "stats",
  data: Record<string, unknown>,
  raw: string,
): BpftraceMessage[] | LineError {
  const out: BpftraceMessage[] = [];
  for (const [name, body] of Object.entries(data)) {
    const scalar = type === "map" ? mapValue(body) : type === "hist" ? parseBuckets(body) : parseStats(body);
    if (scalar !== undefined && !(type === "map" && typeof scalar === "string")) {
      out.push({ type, name, scalar } as BpftraceMessage);
      continue;
    }
    if (!isRecord(body)) return { type: "invalid", reason: `${type} ${name}: unexpected value`, raw };
    const entries = new Map<string, unknown>();
    for (const [k, v] of Object.entries(body)) {
      const parsed = type === "map" ? mapValue(v) : type === "hist" ? parseBuckets(v) : parseStats(v);
      if (parsed === undefined) return { type: "invalid", reason: `${type} ${name}[${k}]: bad value`, raw };
      entries.set(unescapeStackKey(k), parsed);
    }
    out.push({ type, name, entries } as BpftraceMessage);
  }
  return out;
}

/**
 * Parses one stdout line. Blank lines (bpftrace prints two before the exit-time dump) yield [].
 */
export function parseLine(line: string): BpftraceMessage[] | LineError {
  const trimmed = line.trim();
  if (trimmed === "") return [];
  let obj: unknown;
  try {
    obj = JSON.parse(quoteLongIntegers(trimmed));
  } catch (e) {
    return { type: "invalid", reason: `not JSON: ${(e as Error).message}`, raw: trimmed };
  }
  if (!isRecord(obj) || typeof obj.type !== "string") {
    return { type: "invalid", reason: "no type field", raw: trimmed };
  }
  const data = obj.data;
  switch (obj.type) {
    case "attached_probes": {
      const probes = isRecord(data) ? toCounter(data.probes) : undefined;
      if (typeof probes !== "number")
        return { type: "invalid", reason: "attached_probes without count", raw: trimmed };
      return [{ type: "attached_probes", probes }];
    }
    case "map":
    case "hist":
    case "stats":
      if (!isRecord(data))
        return { type: "invalid", reason: `${obj.type} without object data`, raw: trimmed };
      return parseMapLike(obj.type, data, trimmed);
    case "printf":
      return [{ type: "printf", text: String(data) }];
    case "time":
      return [{ type: "time", text: String(data) }];
    case "value":
      return [{ type: "value", value: data }];
    case "lost_events": {
      const lost = isRecord(data) ? toCounter(data.events) : undefined;
      return [{ type: "lost_events", lost: typeof lost === "number" ? lost : Number(lost ?? 0) }];
    }
    case "helper_error": {
      const d = isRecord(data) ? data : {};
      const msg: BpftraceMessage = {
        type: "helper_error",
        helper: typeof d.helper === "string" ? d.helper : "unknown",
        retcode: Number(d.retcode ?? 0),
      };
      if (typeof d.line === "number") msg.line = d.line;
      if (typeof d.col === "number") msg.col = d.col;
      return [msg];
    }
    default:
      return [{ type: "unknown", rawType: obj.type, raw: trimmed }];
  }
}
