import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { describeError, invalidArgument, isOverlayscopeError, OverlayscopeError } from "../util/errors.js";
import type { DaemonFlags } from "./commands/daemon.js";
import { parseDuration, recordSession, runBenchmark, type RecordOptions } from "../client/recorder.js";
import { withDaemon } from "./daemon-connection.js";
import { progress } from "./progress.js";
import { renderTable } from "./table.js";
import { formatProbeCost } from "./probe-cost-line.js";
import { writeRunFile } from "../run/run-file.js";
import type { Target } from "../generated/overlayscope/v1/Target.js";
import { requireRootUser } from "./root.js";
import { finishEarly, runShutdownHooks, stopEarlyOnInterrupt } from "../util/shutdown.js";
import type { BenchFlags } from "./commands/lab.js";
import type { StudyFlags } from "./commands/study.js";
import { fromServiceError } from "../client/service-errors.js";
import { DEFAULT_SOCKET } from "../server/config.js";
import { SERVICE_NAME } from "../server/daemon.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";

const pkg = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json"), "utf8"),
) as { version: string };

function intOption(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}`);
    return Number(v);
  };
}

/** A repeatable integer option (`--parallel 1 2 4`): each value checked, in the order given. */
function intListOption(name: string, min: number, max: number) {
  const one = intOption(name, min, max);
  return (v: string, prev: number[] | undefined): number[] => [...(prev ?? []), one(v)];
}

const requireRoot = requireRootUser;

function print(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

export function buildProgram(): Command {
  const program = new Command("overlayscope")
    .description(
      "Find out why a container overlay network is slower than the host network: kernel path depth, softirqs per packet, saturated cores, cache and memory traffic.",
    )
    .version(pkg.version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  program
    .command("probes")
    .description("List the probe catalogue and, for this kernel, which variant each probe uses and why")
    .option("--json", "machine-readable output")
    .option(
      "--calibrate",
      "measure this kernel's per-event tracepoint dispatch cost (~5 s of loopback pings) so probe self-cost uses it until reboot",
    )
    .addHelpText("after", "\nExample:\n  sudo overlayscope probes --json | jq '.probes[] | {name, variant}'")
    .action(async (opts: { json?: boolean; calibrate?: boolean }) => {
      requireRoot();
      if (opts.calibrate)
        progress(true, "calibrating tracepoint dispatch (loopback flood ping without and with a probe)");
      const { formatProbes, listProbes } = await import("./commands/probes.js");
      const listing = await listProbes(Boolean(opts.calibrate));
      print(Boolean(opts.json), listing, () => formatProbes(listing));
    });

  program
    .command("demo")
    .description(
      "The main job: build the host and overlay lab topologies, run UDP 64 B iperf3 through each under overlayscope, print the diagnosis and write an HTML report",
    )
    .option("--seconds <n>", "benchmark length per topology", intOption("--seconds", 1, 600), 4)
    .option("--length <bytes>", "UDP message size", intOption("--length", 16, 65000), 64)
    .option("-o, --output <dir>", "where run files and the report go", "overlayscope-demo")
    .option("--json", "print the diagnosis as JSON")
    .addHelpText("after", "\nExample:\n  sudo overlayscope demo --seconds 5 -o /tmp/demo")
    .action(async (opts: { seconds: number; length: number; output: string; json?: boolean }) => {
      requireRoot();
      const say = (t: string): void => progress(true, t);
      const { formatBench, labBenchCommand } = await import("./commands/lab.js");
      const { diagnoseRuns } = await import("./commands/diagnose.js");
      const { formatDiagnosis } = await import("../diagnose/diagnose.js");
      const flags: BenchFlags = {
        topology: ["host", "overlay"],
        protocol: "udp",
        length: opts.length,
        parallel: 1,
        pairs: 1,
        seconds: opts.seconds,
        output: opts.output,
        hz: 99,
        probes: ["softirq", "stacks", "udp_sendmsg:sample_every=200", "vxlan"],
      };
      const results = await withDaemon({ version: pkg.version, progress: say }, (api) =>
        labBenchCommand(api, flags, pkg.version, say),
      );
      const report = join(opts.output, "overlay-report.html");
      const d = await diagnoseRuns(results[0]!.run, results[1]!.run, report);
      print(
        Boolean(opts.json),
        { runs: results.map((r) => r.file), report, diagnosis: d },
        () => `${formatBench(results)}\n\n${formatDiagnosis(d)}\n\nreport: ${report}`,
      );
    });

  interface RecordFlags {
    container?: string;
    runtime?: string;
    pod?: string;
    namespace?: string;
    pid?: string;
    cgroup?: string;
    netns?: string;
    all?: boolean;
    duration?: string;
    probes?: string[];
    hz: number;
    interval: number;
    output: string;
    label?: string;
    socket?: string;
    json?: boolean;
    hosts?: string;
    tlsCa?: string;
    tlsCert?: string;
    tlsKey?: string;
    insecure?: boolean;
    tokenFile?: string;
  }
  const sessionOptions = (c: Command): Command =>
    c
      .option(
        "--probes <list...>",
        "probes to attach, e.g. softirq,stacks:hz=199,vxlan (default: the default probes)",
      )
      .option(
        "--hz <n>",
        "stack sampling frequency per CPU (19 keeps the observer effect low; 99+ for short runs)",
        intOption("--hz", 1, 10000),
        19,
      )
      .option("--interval <ms>", "snapshot interval", intOption("--interval", 100, 60000), 1000)
      .option("-o, --output <file>", "run file to write", "run.json")
      .option("--label <text>", "a name for this run (shown in reports and diagnoses)")
      .option(
        "--container <name|id>",
        "a running container (Docker, Podman or containerd), recorded in its network namespace",
      )
      .option("--runtime <name>", "with --container: docker | podman | containerd (default: every one found)")
      .option(
        "--pod <name>",
        "a pod on this node (through the CRI socket), recorded in its network namespace",
      )
      .option("--namespace <ns>", "with --pod: its Kubernetes namespace (needed when the name is in several)")
      .option("--socket <path>", "daemon socket (an embedded daemon is started when none answers)")
      .option("--json", "print the run summary as JSON on stdout");

  /** --container or --pod as a target; --runtime or --namespace alone is a mistake worth saying. */
  const containerTarget = (opts: {
    container?: string;
    runtime?: string;
    pod?: string;
    namespace?: string;
  }): Target | undefined => {
    if (opts.runtime !== undefined && opts.container === undefined)
      throw invalidArgument("--runtime", "goes with --container NAME");
    if (opts.namespace !== undefined && opts.pod === undefined)
      throw invalidArgument("--namespace", "goes with --pod NAME");
    if (opts.container !== undefined && opts.pod !== undefined)
      throw invalidArgument("target", "give only one of --container, --pod");
    if (opts.pod !== undefined) return { pod: { name: opts.pod, namespace: opts.namespace ?? "" } };
    if (opts.container === undefined) return undefined;
    return { container: { name: opts.container, runtime: opts.runtime ?? "" } };
  };
  const finish = async (run: Awaited<ReturnType<typeof recordSession>>, opts: RecordFlags): Promise<void> => {
    await writeRunFile(opts.output, run);
    const top = run.summary.topFunctions
      .slice(0, 5)
      .map((f) => `${f.function} ${(f.share * 100).toFixed(1)}%`);
    print(
      Boolean(opts.json),
      {
        output: opts.output,
        durationSeconds: run.durationSeconds,
        snapshots: run.snapshots.length,
        stackSamples: run.summary.stackSamples,
        command: run.command,
      },
      () =>
        [
          `wrote ${opts.output}: ${run.durationSeconds.toFixed(1)} s, ${run.snapshots.length} snapshots, ${run.summary.stackSamples} stack samples`,
          `hottest kernel functions: ${top.join(", ") || "-"}`,
          ...run.summary.probeCosts.map((c) => `probe self-cost: ${formatProbeCost(c)}`),
          // The run is kept either way; `diagnose` names a failed benchmark (BENCHMARK_FAILED).
          ...(run.command?.exitCode
            ? [
                `warning: the benchmark exited with status ${run.command.exitCode}: this run measured what the path carried, not the benchmark's result; its output above says why it failed`,
              ]
            : []),
        ].join("\n"),
    );
  };

  /** The command line names the run unless --label does; the daemon takes labels up to 200 characters. */
  const commandLabel = (argv: string[]): string => {
    const full = argv.join(" ");
    return full.length <= 200 ? full : `${full.slice(0, 199)}…`;
  };

  const recordOptions = (
    opts: RecordFlags,
    target: Target,
    durationMs: number,
    label: string,
    say: (t: string) => void,
  ): RecordOptions => ({
    target,
    probes: opts.probes ?? [],
    defaultProbes: !opts.probes,
    hz: opts.hz,
    intervalMs: opts.interval,
    durationMs,
    label,
    version: pkg.version,
    progress: say,
  });

  const recordMultiHost = async (opts: RecordFlags, interrupted: Promise<void>): Promise<void> => {
    if ([opts.container, opts.pod, opts.pid, opts.cgroup, opts.netns].some((x) => x !== undefined))
      throw invalidArgument(
        "--hosts",
        "with --hosts each daemon records its whole host; drop --container/--pod/--pid/--cgroup/--netns",
      );
    const durationMs = parseDuration(opts.duration ?? "10s");
    const say = (t: string): void => progress(true, t);
    const { connectHosts } = await import("./commands/record-hosts.js");
    const { recordHosts } = await import("../client/multi-host-recorder.js");
    const { writeMultiHostRun } = await import("../run/multi-host-run.js");
    const endpoints = await connectHosts({ ...opts, hosts: opts.hosts! });
    try {
      const run = await recordHosts(
        endpoints,
        recordOptions(opts, { host: {} }, 0, opts.label ?? "", say),
        () => Promise.race([interrupted, new Promise<void>((r) => setTimeout(r, durationMs).unref())]),
      );
      await writeMultiHostRun(opts.output, run);
      const failed = run.hosts.filter((h) => !h.ok);
      print(
        Boolean(opts.json),
        {
          output: opts.output,
          groupId: run.groupId,
          hosts: run.hosts.map((h) => ({ name: h.name, role: h.role, ok: h.ok, error: h.error })),
        },
        () =>
          [
            `wrote ${opts.output}: group ${run.groupId}, ${((run.window.endMs - run.window.startMs) / 1000).toFixed(1)} s window`,
            ...run.hosts.map((h) =>
              h.ok
                ? `  ${h.name} (${h.role}): ${h.run!.snapshots.length} snapshots, ${h.run!.summary.stackSamples} stack samples, clock offset ${h.clockOffsetMs.toFixed(0)} ms`
                : `  ${h.name}: FAILED: ${h.error}`,
            ),
          ].join("\n"),
      );
      if (failed.length === run.hosts.length)
        throw new OverlayscopeError("FAILED_PRECONDITION", "no host could be recorded (see above)");
    } finally {
      for (const e of endpoints) e.api.close();
    }
  };

  sessionOptions(
    program
      .command("record")
      .description(
        "Attach to what is already running (a pid, a cgroup, a network namespace or the whole host) and record a run file",
      )
      .option("--pid <pid>", "a process, its threads and direct children")
      .option("--cgroup <path>", "a cgroup v2 directory (a container)")
      .option("--netns <name|path>", "a network namespace (name under /var/run/netns, or a path)")
      .option("--all", "the whole host (default)")
      .option("--duration <time>", "how long to record (30s, 2m); Ctrl-C stops early", "10s")
      .option(
        "--hosts <list>",
        "record on several daemons at once (name=host:port or unix:///path, comma-separated) into one multi-host run",
      )
      .option("--tls-ca <file>", "with --hosts: CA that signed the daemons' certificates (PEM)")
      .option("--tls-cert <file>", "with --hosts: client certificate (PEM)")
      .option("--tls-key <file>", "with --hosts: client key (PEM)")
      .option("--insecure", "with --hosts: allow plaintext TCP")
      .option("--token-file <file>", "with --hosts: bearer token the daemons require"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  sudo overlayscope record --all --duration 30s -o host.json\n  sudo overlayscope record --pid $(pgrep -n iperf3) --probes softirq,stacks,vxlan -o overlay.json",
    )
    .action(async (opts: RecordFlags) => {
      if (opts.hosts !== undefined)
        return stopEarlyOnInterrupt((interrupted) => recordMultiHost(opts, interrupted));
      requireRoot();
      const chosen = [opts.container, opts.pod, opts.pid, opts.cgroup, opts.netns, opts.all].filter(
        (x) => x !== undefined,
      ).length;
      if (chosen > 1)
        throw invalidArgument(
          "target",
          "give only one of --container, --pod, --pid, --cgroup, --netns, --all",
        );
      let target: Target = containerTarget(opts) ?? { host: {} };
      if (opts.pid !== undefined) {
        if (!/^\d+$/.test(opts.pid))
          throw invalidArgument("--pid", `must be a process id, got '${opts.pid}'`);
        target = { pid: Number(opts.pid) };
      } else if (opts.cgroup !== undefined) target = { cgroupPath: opts.cgroup };
      else if (opts.netns !== undefined) target = { netns: { path: opts.netns } };
      const durationMs = parseDuration(opts.duration ?? "10s");
      const say = (t: string): void => progress(true, t);
      // Ctrl-C stops the recording early; the run file is still written.
      await stopEarlyOnInterrupt(async (interrupted) => {
        const run = await withDaemon(
          { version: pkg.version, progress: say, ...(opts.socket ? { socket: opts.socket } : {}) },
          (api) =>
            recordSession(api, {
              ...recordOptions(opts, target, durationMs, opts.label ?? "", say),
              stopEarly: interrupted,
            }),
        );
        await finish(run, opts);
      });
    });

  sessionOptions(
    program
      .command("run")
      .description(
        "Launch a benchmark and record exactly its lifetime (host-wide: softirq work happens outside the benchmark's process); its output stays on your terminal",
      )
      .argument("<command...>", "the benchmark, after --"),
  )
    .addHelpText(
      "after",
      "\nExample:\n  sudo overlayscope run -o overlay.json -- iperf3 -c 10.0.0.2 -u -b 0 -l 64 -t 10",
    )
    .action(async (argv: string[], opts: RecordFlags) => {
      requireRoot();
      const say = (t: string): void => progress(true, t);
      const run = await withDaemon(
        { version: pkg.version, progress: say, ...(opts.socket ? { socket: opts.socket } : {}) },
        (api) =>
          recordSession(
            api,
            recordOptions(
              opts,
              containerTarget(opts) ?? { host: {} },
              0,
              opts.label ?? commandLabel(argv),
              say,
            ),
            () => runBenchmark(argv, say),
          ),
      );
      await finish(run, opts);
    });

  program
    .command("export")
    .description("Convert a run file's stack profile: pprof (gzipped profile.proto), folded stacks, or JSON")
    .argument("<run.json>", "a run file from record or run")
    .option("--format <fmt>", "pprof | folded | json", "pprof")
    .option("-o, --output <file>", "write here instead of stdout")
    .option("--host <name>", "for a multi-host run: which host's profile")
    .addHelpText(
      "after",
      "\nExamples:\n  overlayscope export overlay.json --format pprof -o overlay.pb.gz && go tool pprof -top overlay.pb.gz\n  overlayscope export overlay.json --format folded | flamegraph.pl > overlay.svg",
    )
    .action(async (file: string, opts: { format: string; output?: string; host?: string }) => {
      const { exportRun } = await import("./commands/export.js");
      await exportRun(file, opts.format, opts.output, opts.host);
    });

  program
    .command("top")
    .description(
      "Live per-core view: usr/sys/irq/softirq bars, network softirq and device packet rates, hottest kernel functions; q or Ctrl-C quits",
    )
    .option("--interval <ms>", "refresh interval", intOption("--interval", 200, 60000), 1000)
    .option(
      "--iterations <n>",
      "quit after n refreshes (0 = until q)",
      intOption("--iterations", 0, 1_000_000),
      0,
    )
    .option("--container <name|id>", "show one running container's network namespace, not the whole host")
    .option("--runtime <name>", "with --container: docker | podman | containerd (default: every one found)")
    .option("--pod <name>", "show one pod's network namespace (through the CRI socket)")
    .option("--namespace <ns>", "with --pod: its Kubernetes namespace")
    .option("--socket <path>", "daemon socket (an embedded daemon is started when none answers)")
    .option("--json", "one snapshot per line (NDJSON) instead of the screen")
    .addHelpText(
      "after",
      "\nExamples:\n  sudo overlayscope top\n  sudo overlayscope top --json --iterations 5 | jq .cpus",
    )
    .action(
      async (opts: {
        interval: number;
        iterations: number;
        socket?: string;
        json?: boolean;
        container?: string;
        runtime?: string;
        pod?: string;
        namespace?: string;
      }) => {
        requireRoot();
        const target = containerTarget(opts);
        const quiet = (): void => undefined;
        const { runTop } = await import("./commands/top.js");
        await withDaemon(
          { version: pkg.version, progress: quiet, ...(opts.socket ? { socket: opts.socket } : {}) },
          (api) =>
            runTop(api, {
              json: Boolean(opts.json),
              iterations: opts.iterations,
              intervalMs: opts.interval,
              ...(target ? { target } : {}),
            }),
        );
      },
    );

  program
    .command("report")
    .description(
      "Write one self-contained offline HTML report: flame graph (overlay frames highlighted), per-core CPU over time, softirq rates, call depth, device path, probe self-cost, environment",
    )
    .argument("<run.json>", "a run file from record or run")
    .option("-o, --output <file>", "HTML file to write", "report.html")
    .option("--json", "print what was written as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  overlayscope report overlay.json -o overlay.html && xdg-open overlay.html",
    )
    .action(async (file: string, opts: { output: string; json?: boolean }) => {
      progress(true, "rendering the report");
      const { writeReport } = await import("./commands/report.js");
      const bytes = await writeReport(file, opts.output);
      print(
        Boolean(opts.json),
        { output: opts.output, bytes },
        () => `wrote ${opts.output} (${(bytes / 1024).toFixed(0)} KiB, self-contained)`,
      );
    });

  const lab = program
    .command("lab")
    .description(
      "Real topologies in network namespaces: host, bridge-less overlay (VXLAN), macvlan; benchmarks through them under overlayscope",
    );
  lab
    .command("up")
    .description("Build a topology and keep it (see 'lab status', 'lab down')")
    .argument(
      "<topology>",
      "host | overlay | macvlan (ipvlan, ipip, gre, geneve, ovs are refused with the missing kernel feature)",
    )
    .option("--json", "machine-readable output")
    .action(async (topology: string, opts: { json?: boolean }) => {
      requireRoot();
      const { labUpCommand } = await import("./commands/lab.js");
      const up = await labUpCommand(topology);
      print(
        Boolean(opts.json),
        up,
        () =>
          `lab ${up.id} up (${topology}) in ${up.setupMs.toFixed(1)} ms: client netns ${up.clientNs}, server netns ${up.serverNs} at ${up.serverAddr}\n  try: ip netns exec ${up.clientNs} ping -c1 ${up.serverAddr}`,
      );
    });
  lab
    .command("status")
    .description(
      "Labs on this host: kept by 'lab up', in use by a running bench or study, or orphaned by one that was killed",
    )
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const { labStatusCommand } = await import("./commands/lab.js");
      const labs = await labStatusCommand();
      print(Boolean(opts.json), labs, () =>
        labs.length
          ? renderTable(
              ["id", "state", "topology", "alive", "client", "server", "address"],
              labs.map((l) => [
                l.id,
                l.state === "in-use" ? `in use by pid ${l.owner}` : l.state,
                l.topology ?? "",
                l.alive ? "yes" : "no",
                l.clientNs ?? "",
                l.serverNs ?? "",
                l.serverAddr ?? "",
              ]),
            ) +
            (labs.some((l) => l.state === "orphaned")
              ? "\norphaned: left by a process that died without removing it; 'overlayscope lab down ID' or 'lab down --all' removes it"
              : "")
          : "no labs",
      );
    });
  lab
    .command("down")
    .description("Remove kept or orphaned labs (their namespaces, devices and containers)")
    .argument("[ids...]", "lab ids from 'lab status'")
    .option("--all", "every kept or orphaned lab (labs in use by a running process are left to it)")
    .option("--json", "machine-readable output")
    .action(async (ids: string[], opts: { all?: boolean; json?: boolean }) => {
      requireRoot();
      const { labDownCommand } = await import("./commands/lab.js");
      const removed = await labDownCommand(ids, Boolean(opts.all));
      print(Boolean(opts.json), { removed }, () =>
        removed.length ? `removed ${removed.join(", ")}` : "no labs",
      );
    });
  lab
    .command("bench")
    .description(
      "Build each topology, run iperf3 through it under overlayscope, save a run file per topology with iperf3's own figures inside, tear down",
    )
    .option("--topology <names...>", "topologies", ["host", "overlay"])
    .option("--protocol <p>", "udp | tcp", "udp")
    .option("--length <bytes>", "message size (64 B … 64 KB)", intOption("--length", 16, 65536), 64)
    .option("--parallel <n>", "parallel flows", intOption("--parallel", 1, 64), 1)
    .option(
      "--pairs <n>",
      "client/server container pairs, each running the flows, all at once (iperf3 reports summed)",
      intOption("--pairs", 1, 32),
      1,
    )
    .option("--seconds <n>", "length of each benchmark", intOption("--seconds", 1, 600), 5)
    .option("--bitrate <rate>", "UDP offered rate, e.g. 100M (default unlimited)")
    .option("--probes <list...>", "probes (default softirq,stacks,udp_sendmsg:sample_every=200)")
    .option("--hz <n>", "stack sampling frequency", intOption("--hz", 1, 10000), 99)
    .option("--inject <ns:command>", "apply a change before measuring, e.g. 'client:ethtool -K eth0 tx off'")
    .option(
      "--latency <seconds>",
      "also measure UDP ping-pong latency with sockperf",
      intOption("--latency", 1, 600),
    )
    .option(
      "--per-host",
      "record from both ends: one daemon per lab host (sender and receiver), one multi-host run per topology",
    )
    .option("-o, --output <dir>", "directory for the run files", "runs")
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      "\nExamples:\n  sudo overlayscope lab bench --topology host overlay --protocol udp --length 64 -o runs\n  sudo overlayscope lab bench --protocol tcp --length 65536 --parallel 4 -o runs",
    )
    .action(async (opts: BenchFlags & { json?: boolean }) => {
      requireRoot();
      const say = (t: string): void => progress(true, t);
      const { formatBench, labBenchCommand, labBenchPerHostCommand } = await import("./commands/lab.js");
      if (opts.perHost) {
        const { diagnoseHosts, formatHostsDiagnosis } = await import("../diagnose/multi-host.js");
        const runs = await labBenchPerHostCommand(opts, pkg.version, say);
        const diagnoses = runs.map((r) => ({ file: r.file, diagnosis: diagnoseHosts(r.run) }));
        print(Boolean(opts.json), diagnoses, () =>
          diagnoses.map((d) => `${d.file}\n${formatHostsDiagnosis(d.diagnosis)}`).join("\n\n"),
        );
        return;
      }
      const results = await withDaemon({ version: pkg.version, progress: say }, (api) =>
        labBenchCommand(api, opts, pkg.version, say),
      );
      print(
        Boolean(opts.json),
        results.map((r) => ({
          topology: r.topology,
          file: r.file,
          ...(r.probedFile ? { probedFile: r.probedFile } : {}),
          benchmark: { ...r.run.benchmark, raw: undefined },
          setupMs: r.run.lab?.setupMs,
        })),
        () => formatBench(results),
      );
    });
  lab
    .command("study")
    .description(
      "Sweep topologies × parallel flows × container pairs × message sizes × protocols, one lab bench run file per cell, and write a study file with a row of figures per cell and an offline HTML page with its plots",
    )
    .option(
      "--preset <name>",
      "a named sweep: modes | docker-modes | flow-scaling | message-size | pairs | latency (flags beside it replace its values)",
    )
    .option("--topology <names...>", "topologies (default host overlay)")
    .option("--protocol <p...>", "udp and/or tcp (default udp)")
    .option("--length <bytes...>", "message sizes (default 64)", intListOption("--length", 16, 65536))
    .option("--parallel <n...>", "parallel flow counts (default 1)", intListOption("--parallel", 1, 64))
    .option(
      "--pairs <n...>",
      "client/server container pairs per topology, all at once (default 1)",
      intListOption("--pairs", 1, 32),
    )
    .option("--seconds <n>", "length of each cell's benchmark", intOption("--seconds", 1, 600), 5)
    .option(
      "--latency <seconds>",
      "also measure UDP ping-pong latency with sockperf in each cell",
      intOption("--latency", 1, 600),
    )
    .option("--probes <list...>", "probes (default softirq,stacks,udp_sendmsg:sample_every=200)")
    .option("--hz <n>", "stack sampling frequency", intOption("--hz", 1, 10000), 99)
    .option("-o, --output <dir>", "directory for the study, its page and the cells' run files", "study")
    .option(
      "--resume",
      "continue the study in the output directory: its finished cells that the sweep asks for are kept",
    )
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      "\nExamples:\n  sudo overlayscope lab study --topology host overlay --parallel 1 2 4 --seconds 3 -o study\n  sudo overlayscope lab study --preset flow-scaling -o flows\n  sudo overlayscope lab study --preset flow-scaling -o flows --resume   # after Ctrl-C",
    )
    .action(async (opts: StudyFlags & { json?: boolean }) => {
      requireRoot();
      const say = (t: string): void => progress(true, t);
      const { formatStudy, runStudy, studyPlan } = await import("./commands/study.js");
      studyPlan(opts); // flags checked before anything is built
      const study = await stopEarlyOnInterrupt((interrupted) =>
        withDaemon({ version: pkg.version, progress: say }, (api) =>
          runStudy(api, opts, pkg.version, say, interrupted),
        ),
      );
      print(Boolean(opts.json), study, () => formatStudy(study, opts.output));
    });

  program
    .command("diagnose")
    .description(
      "Compare a baseline run with a subject run and name the causes of the gap, ranked, each with its numbers and their source",
    )
    .argument(
      "<runs...>",
      "baseline.json subject.json (e.g. host then overlay), or one multi-host run from record --hosts",
    )
    .option(
      "--vs <subject-runs...>",
      "repeats: the runs before --vs are repeats of the baseline, those after it repeats of the subject (run-to-run noise is then measured, not assumed)",
    )
    .option("--report <file>", "also write the subject's HTML report with the diagnosis on top")
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      "\nExamples:\n  overlayscope diagnose runs/host-udp64.json runs/overlay-udp64.json --report why.html\n  overlayscope diagnose host-1.json host-2.json host-3.json --vs overlay-1.json overlay-2.json overlay-3.json\n  overlayscope diagnose both-ends.json   # from record --hosts",
    )
    .action(async (files: string[], opts: { report?: string; json?: boolean; vs?: string[] }) => {
      const { diagnoseFiles, diagnoseRepeats } = await import("./commands/diagnose.js");
      const { formatDiagnosis } = await import("../diagnose/diagnose.js");
      const { formatHostsDiagnosis } = await import("../diagnose/multi-host.js");
      if (opts.vs) {
        const d = await diagnoseRepeats(files, opts.vs, opts.report);
        print(Boolean(opts.json), d, () => formatDiagnosis(d));
        return;
      }
      if (files.length > 2)
        throw invalidArgument("run files", "give at most two run files (repeats: B1 B2 … --vs S1 S2 …)");
      const r = await diagnoseFiles(files, opts.report);
      print(Boolean(opts.json), r.d, () =>
        r.kind === "pair" ? formatDiagnosis(r.d) : formatHostsDiagnosis(r.d),
      );
    });

  program
    .command("health")
    .description(
      "Ask a daemon's gRPC health service whether it is serving (exit 0) or not (exit 1): for liveness/readiness probes",
    )
    .option("--socket <path>", "daemon socket (default /run/overlayscope/overlayscope.sock)")
    .option("--timeout-ms <ms>", "give up after", intOption("--timeout-ms", 100, 60_000), 3000)
    .action(async (opts: { socket?: string; timeoutMs: number }) => {
      const socket = opts.socket ?? DEFAULT_SOCKET;
      const { checkHealth } = await import("../client/health.js");
      const status = await checkHealth(`unix://${socket}`, SERVICE_NAME, opts.timeoutMs).catch(
        (e: unknown) => {
          // A probe's answer in one line: no stack, no gRPC resolution notes.
          const first = (e instanceof Error ? e.message : String(e)).split("\n")[0];
          process.stderr.write(`overlayscope: no daemon answers at ${socket}: ${first}\n`);
          return undefined;
        },
      );
      if (status) process.stdout.write(`${status}\n`);
      if (status !== "SERVING") process.exitCode = EXIT.failure;
    });

  program
    .command("daemon")
    .description(
      "Serve probes and collectors over gRPC (unix socket by default, mode 0600) until SIGTERM/SIGINT",
    )
    .option("--config <file>", "YAML config (flags and OVERLAYSCOPE_* environment override it)")
    .option("--socket <path>", "unix socket path (default /run/overlayscope/overlayscope.sock)")
    .option("--listen <host:port>", "also serve TCP; needs --tls-cert/--tls-key or --insecure-tcp")
    .option("--tls-cert <file>", "server certificate (PEM)")
    .option("--tls-key <file>", "server private key (PEM)")
    .option("--tls-ca <file>", "CA for client certificates (PEM)")
    .option("--require-client-cert", "refuse TCP clients without a certificate signed by --tls-ca")
    .option("--insecure-tcp", "allow plaintext TCP (logs a warning)")
    .option("--token-file <file>", "require 'authorization: Bearer <token>' on every call")
    .option("--max-sessions <n>", "concurrent sessions", intOption("--max-sessions", 1, 256))
    .option(
      "--idle-grace-ms <ms>",
      "how long a session nobody watches lives",
      intOption("--idle-grace-ms", 100, 3_600_000),
    )
    .option("--metrics <host:port>", "serve Prometheus /metrics over HTTP (read-only; e.g. 127.0.0.1:9464)")
    .option(
      "--calibrate",
      "measure this kernel's tracepoint dispatch cost before serving (~5 s once per boot) so probe self-cost is right",
    )
    .option("--bpftrace <path>", "the bpftrace binary to run (absolute path; default: bpftrace on PATH)")
    .option(
      "--nice <n>",
      "run the daemon and its bpftrace children at this niceness, below the benchmark (default 10; 0 keeps the current priority)",
      intOption("--nice", 0, 19),
    )
    .option(
      "--host-netns <names>",
      "stand for these network namespaces only (comma-separated names), not the whole machine: for lab hosts sharing one kernel",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  sudo overlayscope daemon\n  sudo overlayscope daemon --listen 0.0.0.0:7420 --tls-cert srv.pem --tls-key srv.key --tls-ca ca.pem --require-client-cert",
    )
    .action(async (opts: DaemonFlags) => {
      const { runDaemon } = await import("./commands/daemon.js");
      await runDaemon(opts, pkg.version);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Ctrl-C: exit through process.exit so every registered clean-up (children, namespaces) runs.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      process.stderr.write(`overlayscope: ${sig}, cleaning up\n`);
      // A recording ends early and is still written; anything else is abandoned.
      void finishEarly(15_000).then(async (finished) => {
        await runShutdownHooks(4500);
        process.exit(finished || sig === "SIGTERM" ? EXIT.ok : EXIT.interrupted);
      });
    });
  }
  try {
    await program.parseAsync(argv);
    // A command may set its own code without throwing (health: NOT_SERVING or no daemon is 1).
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    // A daemon's refusal carries its own code and field: exit as the README documents.
    const err = fromServiceError(e);
    if (isOverlayscopeError(err)) {
      process.stderr.write(`overlayscope: ${err.message}\n`);
      return exitCodeFor(err.code);
    }
    process.stderr.write(`overlayscope: unexpected error: ${describeError(e)}\n`);
    return EXIT.failure;
  }
}
