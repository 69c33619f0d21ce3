import type { IntervalBatch } from "../interval-batch.js";
import type { ParamValues } from "../params.js";
import { parseHardirq, type HardirqSnapshot } from "./hardirq.js";
import { parseNetdev, type NetdevSnapshot } from "./netdev.js";
import { parseSoftirq, type SoftirqSnapshot } from "./softirq.js";
import { parseStacks, type StacksSnapshot, type UserFrameResolver } from "./stacks.js";
import { parseUdpSendmsg, type UdpSendSnapshot } from "./udp-sendmsg.js";
import { parseVxlan, type VxlanSnapshot } from "./vxlan.js";
import { parseDrops, type DropsSnapshot } from "./drops.js";

/** The typed reading of one probe for one interval, tagged by probe name. */
export type ProbeData =
  | { probe: "softirq"; data: SoftirqSnapshot }
  | { probe: "hardirq"; data: HardirqSnapshot }
  | { probe: "stacks"; data: StacksSnapshot }
  | { probe: "udp_sendmsg"; data: UdpSendSnapshot }
  | { probe: "vxlan"; data: VxlanSnapshot }
  | { probe: "netdev"; data: NetdevSnapshot }
  | { probe: "drops"; data: DropsSnapshot };

export type ProbeName = ProbeData["probe"];

export function parseBatch(
  probe: string,
  batch: IntervalBatch,
  params: ParamValues,
  resolveUser?: UserFrameResolver,
  variant?: string,
): ProbeData | undefined {
  switch (probe) {
    case "softirq":
      return { probe, data: parseSoftirq(batch) };
    case "hardirq":
      return { probe, data: parseHardirq(batch) };
    case "stacks":
      return { probe, data: parseStacks(batch, resolveUser, variant === "tick") };
    case "udp_sendmsg":
      return { probe, data: parseUdpSendmsg(batch) };
    case "vxlan":
      return { probe, data: parseVxlan(batch) };
    case "netdev":
      return { probe, data: parseNetdev(batch, Number(params.sample_every ?? 1)) };
    case "drops":
      return { probe, data: parseDrops(batch) };
    default:
      return undefined;
  }
}
