/**
 * A namespace's IPsec security associations (SAs), from `ip -o xfrm state` (one line each).
 * Encrypted overlays use them — Docker's `--opt encrypted` overlay puts ESP in transport mode on
 * the VXLAN datagrams between hosts, Weave's and Calico's IPsec modes likewise — and every packet
 * a policy sends through an SA is encrypted on the way out and decrypted on the way in. Only the
 * count and the algorithms' names are kept: `ip xfrm state` prints the keys, and they never leave
 * this parser.
 */
export interface IpsecSummary {
  /** Security associations (one per direction and peer). */
  states: number;
  /** The SAs' algorithms, distinct and sorted: "rfc4106(gcm(aes))", "hmac(sha256)+cbc(aes)". */
  algorithms: string[];
}

/** An SA's algorithm lines: "aead NAME KEY ICV", "enc NAME KEY", "auth-trunc NAME KEY BITS", "comp NAME". */
const ALGORITHM = /(?:^|\s)(aead|enc|auth|auth-trunc|comp)\s+(\S+)/g;

/** `ip -o xfrm state`: "src A dst B \\t proto esp spi 0x… reqid 1 mode transport \\t … enc cbc(aes) 0x… \\t …". */
export function parseXfrmStates(text: string): IpsecSummary {
  let states = 0;
  const algorithms = new Set<string>();
  for (const raw of text.split("\n")) {
    // -o joins an entry's lines with a backslash and a tab.
    const line = raw.replaceAll("\\", " ");
    if (!line.startsWith("src ") || !/\sspi\s/.test(line)) continue;
    states++;
    const names = [...line.matchAll(ALGORITHM)].map((m) => m[2]!);
    if (names.length) algorithms.add(names.join("+"));
  }
  return { states, algorithms: [...algorithms].sort() };
}
