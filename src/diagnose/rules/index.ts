import { benchmarkChanged } from "./benchmark-changed.js";
import { benchmarkFailed } from "./benchmark-failed.js";
import { competingTraffic } from "./competing-traffic.js";
import { cpuAffinity } from "./cpu-affinity.js";
import { mtuMismatch, offloadChanged, rpsChanged } from "./config-changes.js";
import { conntrackPressure } from "./conntrack-pressure.js";
import { coreSaturation } from "./core-saturation.js";
import { cpuCompetition } from "./cpu-competition.js";
import { cpuQuota } from "./cpu-quota.js";
import { deeperPath } from "./deeper-path.js";
import { hostContention } from "./host-contention.js";
import { encapsulation, encryption, netfilter } from "./frame-class.js";
import { otherBpfPrograms } from "./other-bpf.js";
import { packetLoss } from "./packet-loss.js";
import { probeCost } from "./probe-cost.js";
import { qdiscLimit } from "./qdisc-limit.js";
import { retransmissions } from "./retransmissions.js";
import type { Rule } from "./rule.js";
import { softirqWork } from "./softirq-work.js";
import { tcpBufferLimit } from "./tcp-buffer.js";
import { tcpSettingsChanged } from "./tcp-settings.js";

/** Every cause rule; a new cause is one new file here and one scenario in the suite. */
export const RULES: readonly Rule[] = [
  benchmarkFailed,
  benchmarkChanged,
  qdiscLimit,
  cpuCompetition,
  hostContention,
  probeCost,
  otherBpfPrograms,
  cpuQuota,
  cpuAffinity,
  competingTraffic,
  packetLoss,
  tcpBufferLimit,
  tcpSettingsChanged,
  retransmissions,
  netfilter,
  conntrackPressure,
  encapsulation,
  encryption,
  deeperPath,
  softirqWork,
  coreSaturation,
  mtuMismatch,
  offloadChanged,
  rpsChanged,
];
