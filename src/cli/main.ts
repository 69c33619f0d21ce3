import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ProbeEngine } from "../probes/engine.js";
import { describeError, isOverlayscopeError } from "../util/errors.js";
import { runDaemon, type DaemonFlags } from "./commands/daemon.js";
import { requireRootUser } from "./root.js";
import { runShutdownHooks } from "./shutdown.js";
import { formatDemo, runDemo } from "./commands/demo.js";
import { formatProbes, listProbes } from "./commands/probes.js";
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
    .addHelpText("after", "\nExample:\n  sudo overlayscope probes --json | jq '.probes[] | {name, variant}'")
    .action(async (opts: { json?: boolean }) => {
      requireRoot();
      const listing = await listProbes();
      print(Boolean(opts.json), listing, () => formatProbes(listing));
    });

  program
    .command("demo")
    .description(
      "Build lab topologies in network namespaces, run iperf3 through them with probes attached, and print per-CPU softirqs (probe vs /proc/softirqs) and the overlay's kernel functions",
    )
    .option("--json", "machine-readable output")
    .option("--seconds <n>", "benchmark length per topology", intOption("--seconds", 1, 600), 3)
    .option("--length <bytes>", "UDP message size", intOption("--length", 16, 65000), 64)
    .addOption(new Option("--topology <name...>", "topologies to run").default(["host", "overlay"]))
    .addHelpText("after", "\nExample:\n  sudo overlayscope demo --seconds 5 --topology host overlay")
    .action(async (opts: { json?: boolean; seconds: number; length: number; topology: string[] }) => {
      requireRoot();
      const engine = await ProbeEngine.create();
      const results = await runDemo(engine, {
        seconds: opts.seconds,
        length: opts.length,
        topologies: opts.topology,
        verbose: !opts.json,
      });
      print(
        Boolean(opts.json),
        results.map((r) => ({ ...r, benchmark: { ...r.benchmark, raw: undefined } })),
        () => formatDemo(results),
      );
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
    .addHelpText(
      "after",
      "\nExamples:\n  sudo overlayscope daemon\n  sudo overlayscope daemon --listen 0.0.0.0:7420 --tls-cert srv.pem --tls-key srv.key --tls-ca ca.pem --require-client-cert",
    )
    .action(async (opts: DaemonFlags) => {
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
      void runShutdownHooks(4500).then(() => process.exit(sig === "SIGTERM" ? EXIT.ok : EXIT.interrupted));
    });
  }
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
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
    if (isOverlayscopeError(e)) {
      process.stderr.write(`overlayscope: ${e.message}\n`);
      return exitCodeFor(e.code);
    }
    process.stderr.write(`overlayscope: unexpected error: ${describeError(e)}\n`);
    return EXIT.failure;
  }
}
