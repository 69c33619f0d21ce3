import type { HostRole, MultiHostRun } from "../run/multi-host-run.js";
import { compareSides, esc, findingsHtml, formatFindings } from "./diagnose.js";
import type { Finding } from "./finding.js";
import { configurationCauses, coreSaturation, drops } from "./single-run-findings.js";
import { runFigures, type RunFigures } from "./run-figures.js";

/** A finding and the host it was found on. */
export interface HostFinding extends Finding {
  host: string;
  role: HostRole;
}

export interface HostsDiagnosis {
  label: string;
  groupId: string;
  baseline?: string;
  hosts: Array<{ name: string; role: HostRole; ok: boolean; error: string }>;
  findings: HostFinding[];
}

/** Encapsulation: what the sender's CPU does to wrap each packet. */
const ENCAP = ["vxlan_xmit", "vxlan_xmit_one", "vxlan_build_skb", "udp_tunnel_xmit_skb", "iptunnel_xmit"];
/** Receive path: decapsulation, GRO cells and the socket receive the receiver's tasks run. */
const RECEIVE = [
  "vxlan_rcv",
  "gro_cells_receive",
  "udp_recvmsg",
  // A dual-stack server (iperf3's default) receives IPv4 datagrams through the IPv6 socket's recvmsg.
  "udpv6_recvmsg",
  "__skb_recv_udp",
  "skb_copy_datagram_iter",
  "udp_queue_rcv_skb",
  "udpv6_queue_rcv_skb",
  "__udp4_lib_rcv",
  "__udp6_lib_rcv",
];

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function pathShare(f: RunFigures, fns: readonly string[]): { share: number; evidence: Finding["evidence"] } {
  const present = fns
    .map((fn) => ({ fn, share: f.functionShares.get(fn) ?? 0 }))
    .filter((x) => x.share > 0)
    .sort((a, b) => b.share - a.share);
  return {
    share: present[0]?.share ?? 0,
    evidence: present.slice(0, 5).map((x) => ({
      what: `busy samples containing ${x.fn}`,
      subject: pct(x.share),
      source: "sampled stacks (stacks probe), this host's namespaces",
    })),
  };
}

function deviceRates(run: NonNullable<MultiHostRun["hosts"][number]["run"]>): Finding["evidence"] {
  const rates = new Map<string, { rx: number; tx: number; n: number }>();
  for (const s of run.snapshots) {
    if (s.final) continue;
    for (const d of s.devices) {
      if (d.device === "lo") continue;
      const k = `${d.netnsName || d.netns}/${d.device}`;
      const r = rates.get(k) ?? { rx: 0, tx: 0, n: 0 };
      r.rx += d.rxPacketsPerSecond;
      r.tx += d.txPacketsPerSecond;
      r.n++;
      rates.set(k, r);
    }
  }
  return [...rates]
    .filter(([, r]) => r.rx + r.tx > 0)
    .sort((a, b) => b[1].rx + b[1].tx - (a[1].rx + a[1].tx))
    .slice(0, 6)
    .map(([k, r]) => ({
      what: `${k} packets/s rx / tx`,
      subject: `${(r.rx / r.n).toFixed(0)} / ${(r.tx / r.n).toFixed(0)}`,
      source: "/proc/<pid>/net/dev in that namespace",
    }));
}

function sideFinding(
  role: HostRole,
  f: RunFigures,
  run: Parameters<typeof deviceRates>[0],
): Finding | undefined {
  if (role === "sender") {
    const p = pathShare(f, ENCAP);
    return {
      code: "ENCAP_ON_SENDER",
      kind: "note",
      mechanism: "the sender encapsulates every packet (VXLAN transmit) before it reaches the wire",
      confidence: "low",
      title:
        p.share > 0
          ? `encapsulation on the sender: ${pct(p.share)} of its busy CPU samples are in VXLAN transmit (vxlan_xmit and below)`
          : "the sender's stack samples show no VXLAN transmit frames (no overlay on this path, or too few samples)",
      impact: p.share,
      evidence: [...p.evidence, ...deviceRates(run)],
    };
  }
  if (role === "receiver") {
    const p = pathShare(f, RECEIVE);
    return {
      code: "RECEIVE_ON_RECEIVER",
      kind: "note",
      mechanism: "the receiver decapsulates every packet and delivers it through a second receive path",
      confidence: "low",
      title: `receive path on the receiver: ${pct(p.share)} of its busy CPU samples are in decapsulation and socket receive (${RECEIVE.slice(0, 3).join(", ")}, …)`,
      impact: p.share,
      evidence: [...p.evidence, ...deviceRates(run)],
    };
  }
  return undefined;
}

/** A role against the same role in the baseline: the symptom decides whether differences are causes. */
function roleCauses(b: RunFigures, s: RunFigures): Finding[] {
  return compareSides(b, s).findings;
}

const tag = (host: string, role: HostRole, f: Finding): HostFinding => ({
  ...f,
  title: `${role === "unknown" ? "" : `${role} `}${host}: ${f.title}`,
  host,
  role,
});

/**
 * Sender-side and receiver-side findings of one multi-host run, side by side: encapsulation
 * on the sender, receive work, saturation and drops on each host, and hosts that were missing.
 * With a baseline multi-host run, each role is also compared with the same role there.
 */
export function diagnoseHosts(subject: MultiHostRun, baseline?: MultiHostRun): HostsDiagnosis {
  const findings: HostFinding[] = [];
  for (const h of subject.hosts) {
    if (!h.ok || !h.run) {
      findings.push(
        tag(h.name, h.role, {
          code: "HOST_MISSING",
          kind: "note",
          mechanism: "a host that was not recorded cannot be compared",
          confidence: "high",
          title: `not recorded: ${h.error}`,
          impact: 1,
          evidence: [{ what: "address", subject: h.address, source: "record --hosts" }],
        }),
      );
      continue;
    }
    const f = runFigures(h.run);
    const base = baseline?.hosts.find((b) => b.role === h.role && h.role !== "unknown" && b.ok && b.run);
    const found = [
      sideFinding(h.role, f, h.run),
      coreSaturation(f),
      drops(f),
      ...configurationCauses(f),
      ...(base?.run ? roleCauses(runFigures(base.run), f) : []),
    ].filter((x): x is Finding => x !== undefined);
    findings.push(...found.map((x) => tag(h.name, h.role, x)));
  }
  const order: Record<HostRole, number> = { sender: 0, receiver: 1, unknown: 2 };
  findings.sort((a, b) => b.impact - a.impact || order[a.role] - order[b.role]);
  return {
    label: subject.label || subject.groupId,
    groupId: subject.groupId,
    ...(baseline ? { baseline: baseline.label || baseline.groupId } : {}),
    hosts: subject.hosts.map((h) => ({ name: h.name, role: h.role, ok: h.ok, error: h.error })),
    findings,
  };
}

export function formatHostsDiagnosis(d: HostsDiagnosis): string {
  return [
    `Diagnosis across hosts: ${d.label}${d.baseline ? ` compared with ${d.baseline}` : ""} (group ${d.groupId})`,
    `hosts: ${d.hosts.map((h) => `${h.name} = ${h.ok ? h.role : `FAILED (${h.error})`}`).join(", ")}`,
    "",
    ...formatFindings(d.findings),
  ].join("\n");
}

export function hostsDiagnosisHtml(d: HostsDiagnosis): string {
  return `<section id="diagnosis"><h2>Diagnosis across hosts: ${esc(d.label)}</h2><p>${d.hosts
    .map((h) => `<b>${esc(h.name)}</b>: ${h.ok ? esc(h.role) : `failed — ${esc(h.error)}`}`)
    .join(" · ")}</p><ol>${findingsHtml(d.findings)}</ol></section>`;
}
