import assert from "node:assert/strict";
import { test } from "node:test";
import { parseXfrmStates } from "../../src/collectors/ipsec.js";
import { sideFigures } from "../../src/diagnose/run-figures.js";
import { encapsulation, encryption } from "../../src/diagnose/rules/frame-class.js";
import { classifyFrame } from "../../src/profile/frame-classes.js";
import type { RunFile } from "../../src/run/run-file.js";
import type { IpsecSummary } from "../../src/collectors/ipsec.js";
import { fixtureRun } from "../helpers/fixtures.js";

const run = fixtureRun("overlay-udp64-run.json");

test("IPsec SAs from `ip -o xfrm state`: counted with their algorithms, never their keys", () => {
  // Two SAs as `ip -o` prints them (each entry on one line, its lines joined by a backslash and a
  // tab), an AEAD one as Docker's encrypted overlay sets up and an authenc one.
  const text = [
    "src 192.168.91.1 dst 192.168.91.2\\\tproto esp spi 0x00000100 reqid 1 mode transport\\\treplay-window 0 \\\taead rfc4106(gcm(aes)) 0x0102030405060708090a0b0c0d0e0f1011121314 128\\\tanti-replay context: seq 0x0, oseq 0x0, bitmap 0x00000000\\\tsel src 0.0.0.0/0 dst 0.0.0.0/0 ",
    "src 192.168.91.2 dst 192.168.91.1\\\tproto esp spi 0x00000200 reqid 2 mode transport\\\treplay-window 0 \\\tauth-trunc hmac(sha256) 0x1112131415161718191a1b1c1d1e1f20 128\\\tenc cbc(aes) 0x2122232425262728292a2b2c2d2e2f30\\\tsel src 0.0.0.0/0 dst 0.0.0.0/0 ",
    "",
  ].join("\n");
  const s = parseXfrmStates(text);
  assert.deepEqual(s, { states: 2, algorithms: ["hmac(sha256)+cbc(aes)", "rfc4106(gcm(aes))"] });
  assert.doesNotMatch(JSON.stringify(s), /0x01020304|0x1112/);
  // No SAs (or no xfrm in the kernel, which prints nothing): none.
  assert.deepEqual(parseXfrmStates(""), { states: 0, algorithms: [] });
});

test("cipher and IPsec frames are encryption work; a VXLAN frame stays encapsulation", () => {
  for (const fn of [
    "xfrm_output",
    "__xfrm_policy_check",
    "esp_output_tail",
    "esp4_rcv_cb",
    "crypto_aead_encrypt",
    "aes_encrypt",
    "aesni_cbc_enc",
    "clmul_ghash_mul",
    "_sha256_update",
    "__chacha20poly1305_encrypt",
    "wg_packet_encrypt_worker",
  ])
    assert.equal(classifyFrame(fn), "encryption", fn);
  assert.equal(classifyFrame("vxlan_xmit"), "encapsulation");
  assert.equal(classifyFrame("udp_sendmsg"), "socket");
});

/** The run with these SAs in its second namespace (the sending host) and none elsewhere. */
function withIpsec(r: RunFile, ipsec: IpsecSummary | undefined): RunFile {
  const copy = structuredClone(r);
  copy.environment!.start.netns = copy.environment!.start.netns.map((n, i) => {
    const { ipsec: _old, ...rest } = n as typeof n & { ipsec?: IpsecSummary };
    return ipsec ? { ...rest, ipsec: i === 1 ? ipsec : { states: 0, algorithms: [] } } : rest;
  });
  return copy;
}

/**
 * The run with `share` of its busy samples encrypting inside the tunnel's transmit (vxlan_xmit →
 * ip_output → xfrm_output → esp_output → the cipher), as an encrypted overlay's sender shows.
 */
function withCipherSamples(r: RunFile, share: number): RunFile {
  const copy = structuredClone(r);
  const busy = copy.profile.stacks.filter((s) => s.context !== "idle").reduce((a, s) => a + s.samples, 0);
  const vx = copy.profile.stacks.find((s) => s.frames.includes("vxlan_xmit"))!;
  const n = Math.round((share * busy) / (1 - share));
  copy.profile.stacks.push({
    ...vx,
    frames: [
      "aes_encrypt",
      "crypto_gcm_encrypt",
      "esp_output_tail",
      "esp_output",
      "xfrm_output",
      ...vx.frames,
    ],
    samples: n,
  });
  return copy;
}

const ctx = (b: RunFile, s: RunFile) => ({ b: sideFigures([b]), s: sideFigures([s]), gap: 0.4, costRise: 0 });
const GCM: IpsecSummary = { states: 2, algorithms: ["rfc4106(gcm(aes))"] };
const NONE: IpsecSummary = { states: 0, algorithms: [] };

test("ENCRYPTION_WORK: cipher work the subject's SAs explain is named, and not as encapsulation", () => {
  const base = withIpsec(run, NONE);
  const subject = withIpsec(withCipherSamples(run, 0.3), GCM);
  const f = encryption.evaluate(ctx(base, subject));
  assert.ok(f, "named");
  assert.match(f.title, /^encryption work grew from 0\.0% to (29|30)\.\d% of busy samples/);
  assert.match(
    f.title,
    /the subject encrypts with 2 IPsec SAs \(rfc4106\(gcm\(aes\)\)\) \(baseline no IPsec SA or WireGuard device\)$/,
  );
  assert.ok((f.explains ?? 0) > 0.5, String(f.explains));
  // The cipher runs inside vxlan_xmit: those samples hold encapsulation frames, but the tunnel is
  // the same, and the extra work per tunnel packet is the cipher's.
  assert.equal(encapsulation.evaluate(ctx(base, subject)), undefined);
  // A baseline recorded before IPsec was read: the samples alone name it.
  assert.ok(encryption.evaluate(ctx(withIpsec(run, undefined), subject)));
});

test("ENCRYPTION_WORK: the same SAs on both sides do not explain more cipher work (more encrypted traffic does)", () => {
  const base = withIpsec(run, GCM);
  const subject = withIpsec(withCipherSamples(run, 0.3), GCM);
  assert.equal(encryption.evaluate(ctx(base, subject)), undefined);
  // Another cipher is another cost per packet.
  const cbc = withIpsec(withCipherSamples(run, 0.3), { states: 2, algorithms: ["hmac(sha256)+cbc(aes)"] });
  assert.ok(encryption.evaluate(ctx(base, cbc)));
  // SAs without cipher samples (a policy that covers no packet of the benchmark): nothing.
  assert.equal(encryption.evaluate(ctx(withIpsec(run, NONE), withIpsec(run, GCM))), undefined);
});
