/**
 * A /proc file's text with its parse, reused while the text stays the same: on a node with
 * hundreds of quiet pods, parsing and differencing counters that did not move was most of an
 * interval's CPU (bench/scale.ts). The delta between two identical texts is computed once.
 */
export interface ParsedText<T, D> {
  text: string;
  value: T;
  /** The delta against an identical text (zeros, and gauges as they are), once asked for. */
  unchanged?: D;
}

export function parseUnlessSame<T, D>(
  text: string,
  last: ParsedText<T, D> | undefined,
  parse: (t: string) => T,
): ParsedText<T, D> {
  return last?.text === text ? last : { text, value: parse(text) };
}

export function deltaOf<T, D>(prev: ParsedText<T, D>, cur: ParsedText<T, D>, delta: (a: T, b: T) => D): D {
  if (prev.text !== cur.text) return delta(prev.value, cur.value);
  return (cur.unchanged ??= delta(prev.value, cur.value));
}
