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

/** Frames that deliver a timer interrupt: x86 `asm_sysvec_apic_timer_interrupt`, arm64 `el1h_64_irq`/`el0t_64_irq`. */
const IRQ_ENTRY = /^(asm_sysvec_|el[01][ht]?_64_irq$)/;
// tick_sched_timer: the tick's handler before 6.10 (on the stack only where it is not inlined away).
const TICK_HANDLER = new Set([
  "__hrtimer_run_queues",
  "hrtimer_interrupt",
  "tick_nohz_handler",
  "tick_sched_timer",
]);

/**
 * A stack taken on the scheduler tick begins in the tick handler; what the CPU was running is
 * below the first interrupt entry. Only that first entry is cut: an interrupt the tick nested in
 * (a softirq run on irq exit, say) stays, so the sample keeps its context. When no entry frame is
 * recognised (another architecture), only the handler's own frames are dropped.
 */
export function dropTickFrames(frames: readonly Frame[]): Frame[] {
  const entry = frames.findIndex((f) => IRQ_ENTRY.test(f.fn));
  if (entry >= 0) return frames.slice(entry + 1);
  let i = 0;
  while (i < frames.length && TICK_HANDLER.has(frames[i]!.fn)) i++;
  return frames.slice(i);
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
