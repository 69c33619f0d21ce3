/** One kernel frame as bpftrace prints it: `func+off` (or a bare hex address when unresolved). */
export interface Frame {
  fn: string;
  offset: number;
}

/** Parses bpftrace kstack text into frames, innermost first. */
export function parseKstack(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (t === "") continue;
    const plus = t.lastIndexOf("+");
    if (plus > 0) {
      const off = Number(t.slice(plus + 1));
      frames.push({ fn: t.slice(0, plus), offset: Number.isFinite(off) ? off : 0 });
    } else {
      frames.push({ fn: t, offset: 0 });
    }
  }
  return frames;
}

/** Where the CPU was when the sample was taken, read from the frames that enter each context. */
export type ExecContext = "hardirq" | "softirq" | "task" | "idle";

const SOFTIRQ_FRAMES = new Set([
  "handle_softirqs",
  "__do_softirq",
  "do_softirq",
  "net_rx_action",
  "net_tx_action",
]);
const IRQ_PREFIXES = [
  "__sysvec_",
  "handle_irq_event",
  "handle_edge_irq",
  "handle_fasteoi_irq",
  "__handle_irq",
];
const IDLE_FRAMES = new Set([
  "default_idle",
  "cpuidle_enter_state",
  "do_idle",
  "acpi_safe_halt",
  "pv_native_safe_halt",
]);

/**
 * Innermost entry wins: a softirq run from irq_exit sits *below* the interrupt frames, and what
 * the CPU executes at the sample is the softirq handler.
 */
export function classifyContext(frames: readonly Frame[], pid: number): ExecContext {
  for (const f of frames) {
    if (SOFTIRQ_FRAMES.has(f.fn)) return "softirq";
    if (IRQ_PREFIXES.some((p) => f.fn.startsWith(p))) return "hardirq";
  }
  if (pid === 0 || frames.some((f) => IDLE_FRAMES.has(f.fn))) return "idle";
  return "task";
}
