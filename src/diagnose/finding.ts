/** One finding: a symptom (what got worse), a cause (why, with its mechanism) or a note. */
export type FindingKind = "symptom" | "cause" | "note";
export type Confidence = "high" | "medium" | "low";

export interface Evidence {
  what: string;
  baseline?: string;
  subject: string;
  source: string;
}

export interface Finding {
  code: string;
  kind: FindingKind;
  title: string;
  /** One line: how this cause makes the path slower. */
  mechanism: string;
  confidence: Confidence;
  /** 0..1: the share of the gap (or of the extra CPU per packet) this cause accounts for, where it can be estimated. */
  explains?: number;
  /**
   * The run the mechanism held back: the subject (absent) explains a slower subject; the baseline
   * (e.g. a competitor there) explains a faster one.
   */
  slowed?: "baseline";
  /**
   * The mechanism is the host's (a hypervisor taking the vCPUs), not anything the runs configured:
   * it can explain a difference away, but on one run a side it never makes a verdict alone.
   */
  fromHost?: true;
  /**
   * The finding is why a side's benchmark failed (the failure itself, or what refused its packets),
   * told by counts in the failed run rather than by shares of its window: it stands where a run
   * that failed at once leaves nothing else to compare.
   */
  failure?: true;
  /** Ranking key (explains where known). */
  impact: number;
  evidence: Evidence[];
}

export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;
export const num = (x: number | undefined, digits = 2): string =>
  x === undefined ? "n/a" : x.toFixed(digits);
