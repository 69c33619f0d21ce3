/**
 * bpftrace before 0.24 prints u64 values as bare JSON numbers, which JSON.parse rounds above 2^53.
 * We quote every bare integer of 16+ digits outside strings before parsing, then turn such strings
 * back into bigint where they sit in value positions (see messages.ts).
 */
const UNSAFE_DIGITS = 16;

export function quoteLongIntegers(line: string): string {
  // Fast path: most lines (stack dumps of hundreds of KiB) have no 16-digit run at all.
  if (!/\d{16}/.test(line)) return line;
  let out = "";
  let inString = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += line[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i++;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      let j = i + 1;
      while (j < line.length && line[j]! >= "0" && line[j]! <= "9") j++;
      const isInteger = line[j] !== "." && line[j] !== "e" && line[j] !== "E";
      const digits = j - i - (ch === "-" ? 1 : 0);
      const token = line.slice(i, j);
      out += isInteger && digits >= UNSAFE_DIGITS ? `"${token}"` : token;
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** A counter value: a number when exact, a bigint when it does not fit in 2^53. */
export type Counter = number | bigint;

const INTEGER_STRING = /^-?\d+$/;

export function toCounter(v: unknown): Counter | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && INTEGER_STRING.test(v)) {
    const b = BigInt(v);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b;
  }
  return undefined;
}

/** For arithmetic where a rounded double is acceptable (rates, ratios). */
export function counterToNumber(c: Counter): number {
  return typeof c === "bigint" ? Number(c) : c;
}
