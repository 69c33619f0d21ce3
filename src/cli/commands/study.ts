import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProfilerApi } from "../../client/api.js";
import { labBench } from "../../lab/bench.js";
import {
  cellId,
  STUDY_SCHEMA_ID,
  StudySchema,
  type Study,
  type StudyCell,
  type StudyCellKey,
} from "../../lab/study-model.js";
import { studyRow } from "../../lab/study-row.js";
import { renderStudy } from "../../report/study-html.js";
import { writeRunFile } from "../../run/run-file.js";
import { ensureCalibration } from "../../probes/dispatch-calibration.js";
import { describeError, invalidArgument } from "../../util/errors.js";
import { writeOutputFile } from "../../util/output-file.js";
import { renderTable } from "../table.js";
import { checkTopologies, labBenchOptions } from "./lab.js";

export interface StudyFlags {
  topology?: string[];
  protocol?: string[];
  length?: number[];
  parallel?: number[];
  pairs?: number[];
  seconds: number;
  latency?: number;
  hz: number;
  probes?: string[];
  output: string;
  preset?: string;
  resume?: boolean;
}

/**
 * Named sweeps after what the studies this tool follows showed; flags given beside a preset
 * replace its values.
 */
export const STUDY_PRESETS: Record<
  string,
  { what: string } & Required<Pick<StudyFlags, "topology" | "protocol" | "length" | "parallel">> &
    Pick<StudyFlags, "latency" | "pairs">
> = {
  modes: {
    what: "throughput, CPU per packet and set-up time per network mode, one TCP and one UDP flow",
    topology: ["host", "bridge", "macvlan", "overlay", "none", "container"],
    protocol: ["tcp", "udp"],
    length: [1400],
    parallel: [1],
  },
  "docker-modes": {
    what: "the modes preset on Docker itself (a real dockerd): host, bridge, none, container-shared networking and a two-node swarm overlay",
    topology: ["docker-host", "docker-bridge", "docker-overlay", "docker-none", "docker-container"],
    protocol: ["tcp", "udp"],
    length: [1400],
    parallel: [1],
  },
  "flow-scaling": {
    what: "one flow against several: how throughput and CPU per packet scale with parallel TCP flows, host vs overlay",
    topology: ["host", "overlay"],
    protocol: ["tcp"],
    length: [65536],
    parallel: [1, 2, 4],
  },
  "message-size": {
    what: "UDP through host and overlay from small to large datagrams: per-packet costs against per-byte costs",
    topology: ["host", "overlay"],
    protocol: ["udp"],
    length: [64, 1400, 8192],
    parallel: [1],
  },
  pairs: {
    what: "veth bridge vs macvlan (and the overlay) as container pairs grow: aggregate TCP throughput and CPU per packet, every pair through the same host devices",
    topology: ["bridge", "macvlan", "overlay"],
    protocol: ["tcp"],
    length: [65536],
    parallel: [1],
    pairs: [1, 2, 4],
  },
  latency: {
    what: "UDP ping-pong latency (sockperf p50/p99) per network mode",
    topology: ["host", "bridge", "macvlan", "overlay"],
    protocol: ["udp"],
    length: [64],
    parallel: [1],
    latency: 3,
  },
};

/** The cells asked for, in the order they run: topologies innermost, so a sweep compares early. */
export function studyPlan(flags: StudyFlags): { plan: StudyCellKey[]; latency: number | undefined } {
  const preset = flags.preset === undefined ? undefined : STUDY_PRESETS[flags.preset];
  if (flags.preset !== undefined && !preset)
    throw invalidArgument(
      "--preset",
      `unknown '${flags.preset}' (known: ${Object.keys(STUDY_PRESETS).join(", ")})`,
    );
  const topology = flags.topology ?? preset?.topology ?? ["host", "overlay"];
  const protocol = flags.protocol ?? preset?.protocol ?? ["udp"];
  const length = flags.length ?? preset?.length ?? [64];
  const parallel = flags.parallel ?? preset?.parallel ?? [1];
  const pairs = flags.pairs ?? preset?.pairs ?? [1];
  checkTopologies(topology);
  for (const p of protocol)
    if (p !== "udp" && p !== "tcp") throw invalidArgument("--protocol", `must be udp or tcp, got '${p}'`);
  const plan: StudyCellKey[] = [];
  for (const p of protocol)
    for (const l of length)
      for (const n of parallel)
        for (const k of pairs)
          for (const t of new Set(topology))
            plan.push({
              topology: t,
              protocol: p as "udp" | "tcp",
              length: l,
              parallel: n,
              pairs: k,
              seconds: flags.seconds,
            });
  return { plan, latency: flags.latency ?? preset?.latency };
}

const sameKey = (a: StudyCellKey, b: StudyCellKey): boolean => cellId(a) === cellId(b);

/** The finished cells of an earlier study in the directory that this plan asks for again. */
async function resumable(dir: string, plan: readonly StudyCellKey[]): Promise<StudyCell[]> {
  const file = join(dir, "study.json");
  if (!existsSync(file)) throw invalidArgument("--resume", `no study in ${dir} to continue`);
  let old: Study;
  try {
    old = StudySchema.parse(JSON.parse(await readFile(file, "utf8")));
  } catch (e) {
    throw invalidArgument("--resume", `${file} is not a study file: ${describeError(e)}`);
  }
  return old.cells.filter((c) => plan.some((k) => sameKey(k, c)) && existsSync(join(dir, c.file)));
}

export async function writeStudy(dir: string, study: Study): Promise<void> {
  await writeOutputFile(join(dir, "study.json"), `${JSON.stringify(study, null, 1)}\n`);
  await writeOutputFile(join(dir, "study.html"), renderStudy(study));
}

/**
 * Runs each cell as `lab bench` runs one topology (unperturbed rates, then the probes that cost
 * per packet in a short second phase), writing its run file under cells/ and the study file and
 * page after every cell: Ctrl-C leaves a partial study that --resume continues.
 */
export async function runStudy(
  api: ProfilerApi,
  flags: StudyFlags,
  version: string,
  progress: (t: string) => void,
  interrupted: Promise<void>,
): Promise<Study> {
  const { plan, latency } = studyPlan(flags);
  await mkdir(join(flags.output, "cells"), { recursive: true });
  const kept = flags.resume ? await resumable(flags.output, plan) : [];
  if (kept.length) progress(`study: kept ${kept.length} finished cell(s) of the earlier study`);
  await ensureCalibration(progress).catch((e: unknown) =>
    progress(`dispatch calibration failed (${describeError(e)}); probe costs use the bare-metal estimate`),
  );
  const study: Study = {
    schema: STUDY_SCHEMA_ID,
    createdAt: new Date().toISOString(),
    overlayscopeVersion: version,
    ...(flags.preset ? { preset: flags.preset } : {}),
    plan,
    cells: [...kept],
    complete: false,
  };
  let stop = false;
  void interrupted.then(() => (stop = true));
  const todo = plan.filter((k) => !kept.some((c) => sameKey(k, c)));
  const started = Date.now();
  for (const [i, key] of todo.entries()) {
    if (stop) break;
    const left = i ? ((Date.now() - started) / i) * (todo.length - i) : undefined;
    progress(
      `study: cell ${kept.length + i + 1}/${plan.length}: ${key.topology} ${key.protocol} ${key.length} B × ${key.parallel} flow(s)${key.pairs > 1 ? ` × ${key.pairs} pairs` : ""}${left === undefined ? "" : `, ~${Math.round(left / 1000)} s left`}`,
    );
    const opts = labBenchOptions(
      key.topology,
      { protocol: key.protocol, length: key.length, seconds: key.seconds, parallel: key.parallel },
      { ...flags, pairs: key.pairs, latency },
      version,
      progress,
    );
    const { run, probed } = await labBench(api, opts);
    const file = join("cells", `${cellId(key)}.json`);
    await writeRunFile(join(flags.output, file), run);
    let probedFile: string | undefined;
    if (probed) {
      probedFile = join("cells", `${cellId(key)}-probed.json`);
      await writeRunFile(join(flags.output, probedFile), probed);
    }
    study.cells.push({ ...key, file, ...(probedFile ? { probedFile } : {}), row: studyRow(run, probed) });
    await writeStudy(flags.output, study);
  }
  // Cells in the plan's order, whichever run made them.
  study.cells.sort((a, b) => plan.findIndex((k) => sameKey(k, a)) - plan.findIndex((k) => sameKey(k, b)));
  study.complete = study.cells.length === plan.length;
  await writeStudy(flags.output, study);
  return study;
}

/** One row per cell, the studies' figures. */
export function formatStudy(study: Study, dir: string): string {
  const f = (v: number | null, d = 2): string | number => (v === null ? "-" : Number(v.toFixed(d)));
  const table = renderTable(
    [
      "topology",
      "proto",
      "bytes",
      "flows",
      "pairs",
      "Mbit/s",
      "packets/s",
      "CPU µs/pkt",
      "CPU µs/KB",
      "busiest core %",
      "softirq %",
      "hardirq %",
      "softirq/pkt",
      "depth",
      "set-up ms",
      "misses/pkt",
      "mem MB/s",
      "p50/p99 µs",
    ],
    study.cells.map((c) => [
      c.topology,
      c.protocol,
      c.length,
      c.parallel,
      c.pairs,
      Number((c.row.bitsPerSecond / 1e6).toFixed(1)),
      Math.round(c.row.packetsPerSecond),
      f(c.row.cpuUsPerPacket),
      f(c.row.cpuUsPerKB),
      Math.round(c.row.busiestCorePercent),
      f(c.row.softirqPercent, 1),
      f(c.row.hardirqPercent, 1),
      f(c.row.softirqsPerPacket, 3),
      f(c.row.callDepth, 1),
      f(c.row.setupMs, 0),
      f(c.row.cacheMissesPerPacket, 1),
      c.row.memoryBytesPerSecond === null ? "-" : f(c.row.memoryBytesPerSecond / 1e6, 0),
      c.row.latencyP50Us === null ? "-" : `${f(c.row.latencyP50Us, 1)}/${f(c.row.latencyP99Us, 1)}`,
    ]),
  );
  const state = study.complete
    ? ""
    : `\npartial: ${study.cells.length} of ${study.plan.length} cells; run again with --resume to continue`;
  return `${table}${state}\nstudy: ${join(dir, "study.json")}, page: ${join(dir, "study.html")}`;
}
