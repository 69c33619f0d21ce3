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
  /**
   * The rule looks for its mechanism in both runs and says which one it slowed (`slowed`). A rule
   * without it looks in the subject only, and is asked again with the runs' places exchanged when
   * the subject is the faster one (mirroredContext).
   */
  twoSided?: true;
  /**
   * The mechanism takes packets away rather than delaying them: it can explain a lower rate, never
   * a longer round trip, whose mean is over the messages that came back (a lost datagram is no
   * round trip). Where the round trip is the symptom, what such a rule finds is a note.
   */
  takesPacketsAway?: true;
  evaluate(ctx: RuleContext): Omit<Finding, "kind" | "impact"> | undefined;
}

/**
 * The context with the runs' places exchanged: the baseline as the subject, its shortfall against
 * the subject as the gap (a lead g is a gap of −g/(1−g) seen from the other side, as in
 * explainedLead) and the cost change seen from the other side.
 */
export function mirroredContext(ctx: RuleContext): RuleContext {
  return {
    b: ctx.s,
    s: ctx.b,
    // A lead from nothing (FROM_NOTHING: gap −∞) is, seen from the other side, the whole rate lost.
    gap: ctx.gap === Number.NEGATIVE_INFINITY ? 1 : ctx.gap !== 0 ? -ctx.gap / (1 - ctx.gap) : 0,
    costRise: ctx.costRise !== 0 ? -ctx.costRise / (1 + ctx.costRise) : 0,
  };
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
 * fraction of the baseline's time it took: the share of the baseline's shortfall seen from the
 * subject (mirroredContext) — in rate, or in CPU per packet where the rate held. Undefined when
 * the subject is not ahead.
 */
export function explainedLead(extra: number, ctx: RuleContext): number | undefined {
  return ctx.gap < 0 || (ctx.gap === 0 && ctx.costRise < 0)
    ? explainedShare(extra, mirroredContext(ctx))
    : undefined;
}
