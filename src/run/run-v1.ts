/**
 * overlayscope.run/v1 files (the first release's): still readable. Their counters had names with
 * the attributes composed in ("lab-h1 Udp.RcvbufErrors"); the upgrade splits the forms v1 wrote,
 * once, here, so nothing downstream parses a name.
 */
export const RUN_V1_SCHEMA_ID = "overlayscope.run/v1";

type Obj = Record<string, unknown>;

function upgradeCounter(c: Obj): Obj {
  const name = typeof c.name === "string" ? c.name : "";
  const snmp = c.probe === "snmp" ? /^(.*) (\w+)\.(\w+)$/.exec(name) : null;
  const attributes: Record<string, string> = snmp ? { netnsName: snmp[1]!, protocol: snmp[2]! } : { name };
  return { probe: c.probe, metric: snmp ? snmp[3] : name, value: c.value, unit: c.unit, attributes };
}

function upgradeSnapshot(s: Obj): Obj {
  const { counters, histograms, ...rest } = s;
  return {
    ...rest,
    counters: ((counters as Obj[] | undefined) ?? []).map(upgradeCounter),
    histograms: ((histograms as Obj[] | undefined) ?? []).map((h) => ({
      probe: h.probe,
      metric: h.name,
      unit: h.unit,
      buckets: h.buckets,
      attributes: {},
    })),
    processes: [],
  };
}

/** v1 snapshots had no qdiscs per namespace. */
function upgradeEnv(env: Obj): Obj {
  return { ...env, netns: ((env.netns as Obj[] | undefined) ?? []).map((n) => ({ qdiscs: [], ...n })) };
}

export function upgradeV1Run(v1: Obj): Obj {
  const snaps = ((v1.snapshots as Obj[] | undefined) ?? []).map(upgradeSnapshot);
  const endMs = Math.max(0, ...snaps.map((s) => Number(s.atMs) || 0));
  const hw = v1.hardware as { supported?: boolean; reason?: string } | undefined;
  const notRecorded = "not recorded in this run (overlayscope.run/v1)";
  const bench = v1.benchmark as Obj | undefined;
  const command = v1.command as Obj | undefined;
  return {
    ...v1,
    schema: "overlayscope.run/v2",
    window: { startMs: endMs - Number(v1.durationSeconds ?? 0) * 1000, endMs },
    snapshots: snaps,
    ...(command ? { command: { ...command, startedAtMs: 0, endedAtMs: 0 } } : {}),
    ...(bench
      ? {
          benchmark: {
            ...bench,
            source: `${String(bench.tool)} report (lab bench)`,
            packetsSource: bench.protocol === "udp" ? `${String(bench.tool)} report (lab bench)` : "",
          },
        }
      : {}),
    ...(v1.environment ? { environment: { start: upgradeEnv(v1.environment as Obj), changes: [] } } : {}),
    hardware: {
      supported: hw?.supported ?? false,
      reason: hw ? (hw.reason ?? "") : notRecorded,
      totals: {},
      memorySupported: false,
      memoryReason: hw?.reason ?? notRecorded,
      memoryBytes: 0,
    },
    processes: [],
    summary: {
      ...(v1.summary as Obj),
      frameClasses: [],
      callDepth: { send: [], receive: [] },
      processShares: [],
      dropStacks: [],
    },
  };
}
