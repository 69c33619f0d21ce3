/**
 * Start-up and scale (issue 19): what `run -- true` costs, and how a `record --all` grows with
 * network namespaces the user did not ask about. Each command runs as a child of a small Python
 * wrapper that reports wall time, the children's user+system CPU and their peak RSS (getrusage of
 * the waited children: Node cannot read a child's rusage), with no daemon running, so each
 * command starts its embedded daemon as a user's first command does.
 *
 *   node --import tsx bench/scale.ts [--repeats 5] [--seconds 3] [--namespaces 0,50,150,500]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const REPEATS = Number(arg("--repeats", "5"));
const SECONDS = Number(arg("--seconds", "3"));
const COUNTS = arg("--namespaces", "0,50,150,500").split(",").map(Number);
const BIN = join(import.meta.dirname, "..", "bin", "overlayscope");
const dir = mkdtempSync(join(tmpdir(), "overlayscope-scale-"));

/**
 * Wall, CPU and peak RSS of one command. CPU is read from a cgroup the wrapper moves itself into
 * (cpuacct on cgroup v1, cpu.stat on v2): it counts every process the command started, including
 * those reparented to init when their parent was killed (a daemon's namespace anchors), which
 * getrusage of waited children misses. getrusage stays the fallback where no cgroup can be made.
 */
const RUSAGE = `
import json, os, resource, subprocess, sys, time
cg = None
for base, usage in (("/sys/fs/cgroup/cpuacct", "cpuacct.usage"), ("/sys/fs/cgroup", "cpu.stat")):
    if os.path.exists(os.path.join(base, usage)):
        d = os.path.join(base, "overlayscope-scale-%d" % os.getpid())
        try:
            os.mkdir(d)
            open(os.path.join(d, "cgroup.procs"), "w").write(str(os.getpid()))
            cg = (base, d, usage)
            break
        except OSError:
            cg = None
def cg_seconds():
    text = open(os.path.join(cg[1], cg[2])).read()
    if cg[2] == "cpu.stat":
        return int(text.split("usage_usec")[1].split()[0]) / 1e6
    return int(text) / 1e9
c0 = cg_seconds() if cg else 0
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = u.ru_utime + u.ru_stime
source = "getrusage"
if cg:
    # Killed orphans finish exiting: wait until only this wrapper is left in the cgroup.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and open(os.path.join(cg[1], "cgroup.procs")).read().split() != [str(os.getpid())]:
        time.sleep(0.02)
    cpu = cg_seconds() - c0
    source = "cgroup"
    open(os.path.join(cg[0], "cgroup.procs"), "w").write(str(os.getpid()))
    os.rmdir(cg[1])
print(json.dumps({"code": r.returncode, "wall": wall, "cpu": cpu, "cpuSource": source, "maxrssKb": u.ru_maxrss, "stderr": r.stderr.decode()[-400:]}))
`;

interface Usage {
  code: number;
  wall: number;
  cpu: number;
  cpuSource: "cgroup" | "getrusage";
  maxrssKb: number;
  stderr: string;
}

const cpuSources = new Set<string>();

function measure(argv: string[]): Usage {
  const out = execFileSync("/usr/bin/python3", ["-c", RUSAGE, ...argv], { encoding: "utf8" });
  const u = JSON.parse(out) as Usage;
  cpuSources.add(u.cpuSource);
  if (u.code !== 0) throw new Error(`${argv.join(" ")} exited ${u.code}: ${u.stderr}`);
  return u;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[], f: (x: number) => string): string =>
  `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;

/** N namespaces, each with a veth pair inside it, made with one `ip -batch`. */
function addNamespaces(n: number): () => void {
  if (n === 0) return () => undefined;
  const names = Array.from({ length: n }, (_x, i) => `osscale-${i}`);
  const batch = join(dir, "batch");
  writeFileSync(
    batch,
    names
      .flatMap((ns) => [`netns add ${ns}`, `link add name va netns ${ns} type veth peer name vb netns ${ns}`])
      .join("\n"),
  );
  execFileSync("ip", ["-batch", batch]);
  return () => {
    writeFileSync(batch, names.map((ns) => `netns del ${ns}`).join("\n"));
    execFileSync("ip", ["-force", "-batch", batch]);
  };
}

/**
 * The steady state, without start-up or stop: the CPU the daemon process itself used over the
 * recording's window, as the run's own per-process totals count it, per interval of the run.
 */
function daemonMsPerInterval(file: string): number {
  const run = JSON.parse(readFileSync(file, "utf8")) as {
    host: { daemonPid: number };
    durationSeconds: number;
    intervalMs: number;
    processes: Array<{ pid: number; cpuSeconds: number }>;
  };
  const daemon = run.processes.find((p) => p.pid === run.host.daemonPid);
  const intervals = (run.durationSeconds * 1000) / run.intervalMs;
  return daemon && intervals > 0 ? (daemon.cpuSeconds * 1000) / intervals : NaN;
}

const rows: string[] = [];
try {
  const startup: Usage[] = [];
  for (let i = 0; i < REPEATS; i++)
    startup.push(measure([BIN, "run", "-o", join(dir, "true.json"), "--", "true"]));
  rows.push(
    `| \`run -- true\` | ${REPEATS} | ${spread(
      startup.map((u) => u.wall),
      (x) => `${x.toFixed(2)} s`,
    )} | ${spread(
      startup.map((u) => u.cpu),
      (x) => `${x.toFixed(2)} s`,
    )} | ${median(startup.map((u) => u.maxrssKb / 1024)).toFixed(0)} MiB | - | - |`,
  );
  for (const n of COUNTS) {
    const remove = addNamespaces(n);
    try {
      const runs: Array<Usage & { bytes: number; intervalMs: number }> = [];
      for (let i = 0; i < REPEATS; i++) {
        const out = join(dir, `all-${n}.json`);
        const u = measure([BIN, "record", "--all", "--duration", `${SECONDS}s`, "-o", out]);
        runs.push({ ...u, bytes: statSync(out).size, intervalMs: daemonMsPerInterval(out) });
      }
      rows.push(
        `| \`record --all --duration ${SECONDS}s\`, ${n} extra namespaces | ${REPEATS} | ${spread(
          runs.map((u) => u.wall),
          (x) => `${x.toFixed(2)} s`,
        )} | ${spread(
          runs.map((u) => u.cpu),
          (x) => `${x.toFixed(2)} s`,
        )} | ${median(runs.map((u) => u.maxrssKb / 1024)).toFixed(0)} MiB | ${(median(runs.map((u) => u.bytes)) / 1024).toFixed(0)} KiB | ${spread(
          runs.map((u) => u.intervalMs),
          (x) => `${x.toFixed(0)} ms`,
        )} |`,
      );
    } finally {
      remove();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `overlayscope start-up and scale (${new Date().toISOString().slice(0, 10)}), medians (min–max); CPU from ${cpuSources.size ? [...cpuSources].join(", ") : "-"}`,
);
console.log(
  "| command | runs | wall | CPU (user+sys, all processes) | peak RSS (largest process) | run file | daemon CPU per interval |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
