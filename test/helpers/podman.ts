import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { ENGINE_SOCKETS } from "../../src/containers/engine-api.js";

const podman = (args: string[]): string =>
  execFileSync("podman", args, { encoding: "utf8", timeout: 120_000 });

const serving = (): boolean =>
  spawnSync("podman", ["--remote", "--url", `unix://${ENGINE_SOCKETS.podman}`, "version"], {
    stdio: "ignore",
    timeout: 10_000,
  }).status === 0;

/**
 * Podman's API service for a test file (started here unless one serves), and containers of the
 * lab image imported from the cached root. Containers run with --network none: no CNI bridge or
 * iptables rules to restore.
 */
export class TestPodman {
  private service?: ChildProcess;
  private readonly containers: string[] = [];
  readonly image = "localhost/overlayscope-lab:bookworm";

  static async start(rootTarball: string): Promise<TestPodman> {
    const p = new TestPodman();
    if (spawnSync("podman", ["image", "exists", p.image]).status !== 0)
      podman(["import", rootTarball, p.image]);
    if (!serving()) {
      mkdirSync(dirname(ENGINE_SOCKETS.podman), { recursive: true });
      p.service = spawn("podman", ["system", "service", "--time=0", `unix://${ENGINE_SOCKETS.podman}`], {
        stdio: "ignore",
      });
      // The socket appearing is the event (30 s at most); then it must answer.
      for (let i = 0; i < 300 && !existsSync(ENGINE_SOCKETS.podman) && p.service.exitCode === null; i++)
        await new Promise((r) => setTimeout(r, 100));
      if (!serving()) {
        await p.stop();
        throw new Error("podman system service did not answer");
      }
    }
    return p;
  }

  run(name: string, command: string[]): string {
    this.containers.push(name);
    // Podman raises the open-files and process limits past what this host allows a process
    // (runc then fails with EPERM): the container keeps modest ones.
    const limits = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];
    return podman([
      "run",
      "-d",
      "--network",
      "none",
      ...limits,
      "--name",
      name,
      this.image,
      ...command,
    ]).trim();
  }

  inspect(name: string, format: string): string {
    return podman(["inspect", "--format", format, name]).trim();
  }

  async stop(): Promise<void> {
    if (this.containers.length)
      spawnSync("podman", ["rm", "-f", "-t", "0", ...this.containers], { stdio: "ignore" });
    this.containers.length = 0;
    if (this.service && this.service.exitCode === null) {
      const gone = new Promise((r) => this.service!.once("exit", r));
      this.service.kill("SIGTERM");
      await gone;
    }
  }
}
