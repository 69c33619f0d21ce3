import type { DevCounters } from "./net-dev.js";
import type { PerCpuTable } from "./per-cpu-table.js";
import type { CpuPercent } from "./proc-stat.js";
import type { IrqLine } from "./proc-interrupts.js";
import type { SnmpCounters } from "./snmp.js";
import type { ConntrackStat } from "./conntrack-stat.js";
import type { SoftnetRow } from "./softnet.js";
import type { HwInterval } from "./hw-counters.js";
import type { ProcessCpuDelta } from "./process-cpu.js";
import type { CpuQuotaDelta } from "./cpu-quota.js";

/** Device counters of one namespace over one interval. */
export interface NetnsDevices {
  inode: number;
  names: string[];
  devices: DevCounters[];
  snmp?: SnmpCounters;
  /** nf_conntrack per-CPU event counts summed (entries: the table size), when conntrack is loaded. */
  conntrack?: ConntrackStat;
}

/** Everything the kernel already counts, over one interval: the zero-cost half of a session. */
export interface HostSample {
  /** Interval end, ms since epoch. */
  at: number;
  seconds: number;
  cpu: Map<number, CpuPercent>;
  /** Jiffies spent not idle per CPU over the interval (for CPU time per packet). */
  busyJiffies: Map<number, number>;
  softirqs: PerCpuTable;
  interrupts: IrqLine[];
  softnet: SoftnetRow[];
  netns: NetnsDevices[];
  hw?: HwInterval;
  /** Processes that used CPU over the interval, busiest first. */
  processes: ProcessCpuDelta[];
  /** CPU-limited cgroups (or their ancestors) holding those processes, and how often the limit stopped them. */
  cpuQuotas: CpuQuotaDelta[];
}
