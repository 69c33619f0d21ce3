/**
 * `perf stat -x, -I <ms> -A -a -e …` CSV: one line per (interval, CPU, event):
 *   time,CPUn,value,unit,event,run_time_ns,pcnt_running,metric_value,metric_unit
 * Without -A the CPU column is absent. The value is "<not supported>" or "<not counted>" when the
 * PMU cannot count it; perf has already scaled multiplexed counts (pcnt_running < 100).
 */
export type CounterReading =
  | { status: "ok"; value: number; unit: string; percentRunning: number; scaled: boolean }
  | { status: "unsupported"; reason: string }
  | { status: "not-counted"; reason: string };

export interface PerfSample {
  /** Seconds since perf started. */
  time: number;
  /** CPU number, or -1 for a system-wide aggregate line. */
  cpu: number;
  event: string;
  reading: CounterReading;
}

export function parsePerfCsvLine(line: string): PerfSample | undefined {
  const t = line.trim();
  if (t === "" || t.startsWith("#")) return undefined;
  const f = t.split(",");
  const time = Number(f[0]);
  if (!Number.isFinite(time)) return undefined;
  let i = 1;
  let cpu = -1;
  const cpuMatch = /^CPU(\d+)$/.exec(f[1] ?? "");
  if (cpuMatch) {
    cpu = Number(cpuMatch[1]);
    i = 2;
  }
  const [value, unit = "", event = "", , pcnt = "100"] = f.slice(i);
  if (value === undefined || event === "") return undefined;
  if (value === "<not supported>") {
    return {
      time,
      cpu,
      event,
      reading: {
        status: "unsupported",
        reason: `perf: ${event} is <not supported> by this CPU's PMU (no hardware counters, e.g. a VM without PMU passthrough)`,
      },
    };
  }
  if (value === "<not counted>") {
    return {
      time,
      cpu,
      event,
      reading: {
        status: "not-counted",
        reason: `perf: ${event} was <not counted> in this interval (counter not scheduled)`,
      },
    };
  }
  const v = Number(value);
  if (!Number.isFinite(v)) return undefined;
  const percentRunning = Number(pcnt) || 0;
  return {
    time,
    cpu,
    event,
    reading: { status: "ok", value: v, unit, percentRunning, scaled: percentRunning < 100 },
  };
}

/** Memory traffic in bytes from an uncore/data-fabric event value and its unit. */
export function memoryBytes(value: number, unit: string, event: string): number | undefined {
  const u = unit.trim();
  if (u === "MiB") return value * 1024 * 1024;
  if (u === "KiB") return value * 1024;
  if (u === "B" || u === "Bytes") return value;
  // Raw CAS counts (no perf scale): each CAS moves one 64-byte cache line.
  if (u === "" && /cas_count/i.test(event)) return value * 64;
  return undefined;
}
