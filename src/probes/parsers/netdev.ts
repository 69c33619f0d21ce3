import { numericRows, type IntervalBatch } from "../interval-batch.js";

export interface NetdevCounters {
  netns: number;
  ifindex: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
  napiPolls: number;
  napiWork: number;
}

export interface NetdevSnapshot {
  devices: NetdevCounters[];
  sampleEvery: number;
}

/** Sampled packet/byte counts are scaled back by the sampling ratio; NAPI counts are exact. */
export function parseNetdev(batch: IntervalBatch, sampleEvery: number): NetdevSnapshot {
  const devs = new Map<string, NetdevCounters>();
  const get = (ns: number, ifindex: number): NetdevCounters => {
    const key = `${ns},${ifindex}`;
    let d = devs.get(key);
    if (!d) {
      d = {
        netns: ns,
        ifindex,
        txPackets: 0,
        txBytes: 0,
        rxPackets: 0,
        rxBytes: 0,
        napiPolls: 0,
        napiWork: 0,
      };
      devs.set(key, d);
    }
    return d;
  };
  const fields = [
    ["@tx_packets", "txPackets", sampleEvery],
    ["@tx_bytes", "txBytes", sampleEvery],
    ["@rx_packets", "rxPackets", sampleEvery],
    ["@rx_bytes", "rxBytes", sampleEvery],
    ["@napi_polls", "napiPolls", 1],
    ["@napi_work", "napiWork", 1],
  ] as const;
  for (const [map, field, scale] of fields) {
    for (const r of numericRows(batch, map, 2)) get(r.keys[0]!, r.keys[1]!)[field] = r.value * scale;
  }
  return {
    devices: [...devs.values()].sort((a, b) => a.netns - b.netns || a.ifindex - b.ifindex),
    sampleEvery,
  };
}
