import { parsePerCpuTable, tableDelta, type PerCpuTable } from "./per-cpu-table.js";

export interface IrqLine {
  /** "24", or a per-CPU source such as "LOC", "RES", "NMI". */
  irq: string;
  /** The device/queue name as the kernel registered it, e.g. "eth0-rx-0" or "virtio0-input.0". */
  name: string;
  /** Interrupt chip and hw irq, e.g. "PCI-MSIX-0000:00:03.0 1-edge". */
  chip: string;
  counts: Map<number, number>;
}

/**
 * /proc/interrupts: numeric lines end with "<chip> <hwirq>-<edge|fasteoi> <name>[, <name>…]";
 * architecture lines (LOC, RES…) end with a description. The name is the last token(s) after the
 * trigger type; shared lines list several names separated by ", ".
 */
export function parseInterrupts(text: string): { cpus: number[]; lines: IrqLine[] } {
  const table = parsePerCpuTable(text);
  return { cpus: table.cpus, lines: parseInterruptRows(table) };
}

/** The lines of an already parsed /proc/interrupts table, names and chips split out. */
export function parseInterruptRows(table: PerCpuTable): IrqLine[] {
  return table.rows.map((r) => toIrqLine(r.key, r.description, r.counts));
}

function toIrqLine(irq: string, description: string, counts: Map<number, number>): IrqLine {
  if (!/^\d+$/.test(irq)) return { irq, name: description, chip: "", counts };
  const m = /^(.*?\b[\w.:-]*-(?:edge|level|fasteoi|fasteoi_ack|simple|percpu|untriggered|eoi))\s+(.*)$/i.exec(
    description,
  );
  if (m) return { irq, name: m[2]!.trim(), chip: m[1]!.trim(), counts };
  const parts = description.split(/\s+/);
  return { irq, name: parts.slice(-1).join(" "), chip: parts.slice(0, -1).join(" "), counts };
}

/** Interval differences between two readings, each parsed once (parsePerCpuTable). */
export function interruptsDelta(before: PerCpuTable, after: PerCpuTable): IrqLine[] {
  const d: PerCpuTable = tableDelta(before, after);
  return d.rows.map((r) => toIrqLine(r.key, r.description, r.counts));
}
