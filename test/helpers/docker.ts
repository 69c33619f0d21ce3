import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dockerUnavailable } from "../../src/lab/docker-cli.js";
import { ensureLabImage } from "../../src/lab/docker-image.js";
import { tempDir } from "./temp-dir.js";

const docker = (args: string[]): string =>
  execFileSync("docker", args, { encoding: "utf8", timeout: 120_000 });

const linkExists = (name: string): boolean =>
  spawnSync("ip", ["link", "show", name], { stdio: "ignore" }).status === 0;

const tables = (): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const tool of ["iptables-save", "ip6tables-save"]) {
    const r = spawnSync(tool, [], { encoding: "utf8" });
    if (r.status === 0) out[tool] = r.stdout;
  }
  return out;
};

const dockerAnswers = async (): Promise<boolean> => (await dockerUnavailable()) === undefined;

/** Docker binds the host's namespace here on start and leaves the mount behind when stopped. */
const NETNS_DEFAULT = "/run/docker/netns/default";
const mounted = (path: string): boolean =>
  readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[4] === path);

/**
 * A dockerd for a test file: the host's when one answers, else one started here and stopped at
 * the end, with the host's iptables rules and links restored as they were (Docker rewrites the
 * root namespace's FORWARD policy, adds its chains, and leaves docker0 behind).
 */
export class TestDocker {
  private dockerd?: ChildProcess;
  private readonly containers: string[] = [];
  private readonly savedTables = tables();
  private readonly links = ["docker0", "docker_gwbridge"].filter((l) => !linkExists(l));
  private readonly netnsDefaultMounted = mounted(NETNS_DEFAULT);
  private readonly ipForward = execFileSync("sysctl", ["-n", "net.ipv4.ip_forward"], {
    encoding: "utf8",
  }).trim();
  image = "";

  /** Whether this helper started dockerd (and so stops it). */
  get startedDaemon(): boolean {
    return this.dockerd !== undefined;
  }

  static async start(): Promise<TestDocker> {
    const d = new TestDocker();
    try {
      if (!(await dockerAnswers())) await d.startDaemon();
      d.image = await ensureLabImage((t) => process.stderr.write(`${t}\n`));
      return d;
    } catch (e) {
      await d.stop();
      throw e;
    }
  }

  private async startDaemon(): Promise<void> {
    const log = join(tempDir("dockerd"), "dockerd.log");
    const dockerd = spawn("dockerd", ["--host", "unix:///var/run/docker.sock"], {
      stdio: ["ignore", openSync(log, "a"), openSync(log, "a")],
    });
    this.dockerd = dockerd;
    const exited = new Promise<never>((_r, reject) =>
      dockerd.once("exit", (code) => reject(new Error(`dockerd exited ${code}; see ${log}`))),
    );
    // dockerd says when it serves the API; the log is the event to wait on.
    const ready = (async (): Promise<void> => {
      for (let i = 0; i < 600 && !(await dockerAnswers()); i++) await new Promise((r) => setTimeout(r, 100));
      if (!(await dockerAnswers())) throw new Error(`dockerd did not answer in 60 s; see ${log}`);
    })();
    await Promise.race([ready, exited]);
  }

  /** `docker run -d` a container of the lab image; removed by stop(). */
  run(name: string, args: string[], command: string[]): string {
    this.containers.push(name);
    return docker(["run", "-d", "--name", name, ...args, this.image, ...command]).trim();
  }

  inspect(name: string, format: string): string {
    return docker(["inspect", "--format", format, name]).trim();
  }

  exec(name: string, command: string[]): string {
    return docker(["exec", name, ...command]);
  }

  async stop(): Promise<void> {
    if (this.containers.length) spawnSync("docker", ["rm", "-f", ...this.containers], { stdio: "ignore" });
    if (this.dockerd && this.dockerd.exitCode === null) {
      const gone = new Promise((r) => this.dockerd!.once("exit", r));
      this.dockerd.kill("SIGTERM");
      await gone;
      // The containers' shims outlive dockerd briefly: wait for them to go (10 s at most).
      for (let i = 0; i < 100 && spawnSync("pgrep", ["-f", "containerd-shim"]).status === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
    }
    for (const [tool, text] of Object.entries(this.savedTables))
      spawnSync(tool.replace("-save", "-restore"), [], { input: text });
    // Tables Docker made that were not there before: gone again (iptables-nft keeps them in nft).
    for (const table of ["filter", "nat", "mangle", "raw"])
      if (!(this.savedTables["iptables-save"] ?? "").includes(`*${table}\n`)) {
        for (const args of [
          ["-t", table, "-F"],
          ["-t", table, "-X"],
        ])
          spawnSync("iptables", args, { stdio: "ignore" });
        if (
          spawnSync("nft", ["delete", "table", "ip", table], { stdio: "ignore" }).status !== 0 &&
          table === "filter"
        )
          for (const chain of ["INPUT", "FORWARD", "OUTPUT"])
            spawnSync("iptables", ["-P", chain, "ACCEPT"], { stdio: "ignore" });
      }
    spawnSync("sysctl", ["-qw", `net.ipv4.ip_forward=${this.ipForward}`]);
    for (const l of this.links) if (linkExists(l)) spawnSync("ip", ["link", "del", l], { stdio: "ignore" });
    if (!this.netnsDefaultMounted && mounted(NETNS_DEFAULT)) spawnSync("umount", [NETNS_DEFAULT]);
  }
}

export const dockerInstalled = (): boolean =>
  existsSync("/usr/sbin/dockerd") || existsSync("/usr/bin/dockerd");
