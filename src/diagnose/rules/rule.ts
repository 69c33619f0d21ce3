import type { Finding } from "../finding.js";
import type { RunFigures } from "../run-figures.js";

/** What every cause rule sees: both runs' figures and the symptom they are asked to explain. */
export interface RuleContext {
  b: RunFigures;
  s: RunFigures;
  /** Fraction of the baseline's rate the subject lost (negative when faster); 0 when not material. */
  gap: number;
  /** Fractional rise of CPU per packet (negative when cheaper); 0 when not material. */
  costRise: number;
}

/**
 * A cause rule: one mechanism, the evidence it needs from both runs, and the thresholds that make
 * a difference count (named constants in the rule or in noise.ts). It returns nothing unless the
 * subject differs from the baseline beyond noise.
 */
export interface Rule {
  code: string;
  evaluate(ctx: RuleContext): Omit<Finding, "kind" | "impact"> | undefined;
}

/** The share of the symptom a cause accounts for, from the extra fraction of the subject's time or packets it takes. */
export function explainedShare(extra: number, ctx: RuleContext): number | undefined {
  // A cost per packet that rose by r takes r/(1+r) of the subject's time: the same fraction a
  // rate gap g is, when the path is CPU-bound (rate ∝ 1/cost).
  const symptom = Math.max(ctx.gap, ctx.costRise / (1 + ctx.costRise));
  if (symptom <= 0 || extra <= 0) return undefined;
  return Math.min(1, extra / symptom);
}

/**
 * The share of a faster subject's lead that a slowed baseline accounts for, from the extra
 * fraction of the baseline's time it took: the lead as what the baseline lacked against the
 * subject, 1 − 1/(1 − gap). Undefined when the subject is not faster.
 */
export function explainedLead(extra: number, ctx: RuleContext): number | undefined {
  return ctx.gap < 0 ? Math.min(1, extra / (-ctx.gap / (1 - ctx.gap))) : undefined;
}
