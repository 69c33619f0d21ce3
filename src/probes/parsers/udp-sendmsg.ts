import type { HistBucket } from "../../bpftrace/messages.js";
import { counterToNumber } from "../../bpftrace/json-line.js";
import { parseKstack } from "../../bpftrace/kstack.js";
import { histRows, type IntervalBatch } from "../interval-batch.js";

export interface UdpSendProcess {
  pid: number;
  comm: string;
  calls: number;
  latencyNs: HistBucket[];
}

export interface UdpSendSnapshot {
  processes: UdpSendProcess[];
  /** Frames between the device transmit point and udp_sendmsg, with how many samples saw it. */
  depth: Array<{ depth: number; samples: number }>;
  /** Functions seen between udp_sendmsg and the transmit point, with sample counts. */
  pathFunctions: Array<{ fn: string; samples: number }>;
  /** Transmit stacks sampled that were not under udp_sendmsg (forwarding, TCP, softirq). */
  otherStacks: number;
}

/** Depth of `fn` in a stack taken at the transmit tracepoint: its frame index, or -1. */
export function depthBelow(stackText: string, fn: string): { depth: number; between: string[] } {
  const frames = parseKstack(stackText).map((f) => f.fn);
  const i = frames.indexOf(fn);
  return i < 0 ? { depth: -1, between: [] } : { depth: i, between: frames.slice(0, i) };
}

export function parseUdpSendmsg(batch: IntervalBatch): UdpSendSnapshot {
  const procs = new Map<number, UdpSendProcess>();
  const proc = (pid: number, comm: string): UdpSendProcess => {
    let p = procs.get(pid);
    if (!p) procs.set(pid, (p = { pid, comm, calls: 0, latencyNs: [] }));
    return p;
  };
  for (const r of histRows(batch, "@latency_ns", 1, true))
    proc(r.keys[0]!, r.text ?? "").latencyNs = r.buckets;
  const calls = batch.maps.get("@calls");
  if (calls?.type === "map") {
    for (const [k, v] of calls.entries ?? []) {
      const comma = k.indexOf(",");
      if (comma > 0 && typeof v !== "string")
        proc(Number(k.slice(0, comma)), k.slice(comma + 1)).calls = counterToNumber(v);
    }
  }
  const depth = new Map<number, number>();
  const fns = new Map<string, number>();
  let otherStacks = 0;
  const stacks = batch.maps.get("@depth_stacks");
  if (stacks?.type === "map") {
    for (const [k, v] of stacks.entries ?? []) {
      if (typeof v === "string") continue;
      const n = counterToNumber(v);
      const d = depthBelow(k, "udp_sendmsg");
      if (d.depth < 0) {
        otherStacks += n;
        continue;
      }
      depth.set(d.depth, (depth.get(d.depth) ?? 0) + n);
      for (const f of new Set(d.between)) fns.set(f, (fns.get(f) ?? 0) + n);
    }
  }
  return {
    processes: [...procs.values()].sort((a, b) => b.calls - a.calls),
    depth: [...depth].map(([d, samples]) => ({ depth: d, samples })).sort((a, b) => a.depth - b.depth),
    pathFunctions: [...fns].map(([fn, samples]) => ({ fn, samples })).sort((a, b) => b.samples - a.samples),
    otherStacks,
  };
}
