import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { CriClient } from "../../src/containers/cri-api.js";
import { tempDir } from "./temp-dir.js";

/** The sandbox ("pause") image the test's pods run: the lab root with `sleep infinity`. */
const PAUSE_IMAGE = "docker.io/library/overlayscope-pause:bookworm";
/** containerd's content and snapshots, kept between runs so the image is imported once. */
const ROOT = "/var/cache/overlayscope/test-containerd";
const BRIDGE = "ospods0";
const SUBNET = "10.213.0.0/24";

async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/**
 * An OCI image archive made from a root filesystem tarball (one uncompressed layer), for `ctr
 * images import`: there is no registry to pull a pause image from.
 */
async function ociArchive(rootTarball: string, dir: string): Promise<string> {
  const oci = join(dir, "oci");
  const blobs = join(oci, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const layer = { digest: `sha256:${await sha256(rootTarball)}`, size: statSync(rootTarball).size };
  symlinkSync(rootTarball, join(blobs, layer.digest.slice(7)));
  const blob = (doc: object): { digest: string; size: number } => {
    const text = JSON.stringify(doc);
    const digest = createHash("sha256").update(text).digest("hex");
    writeFileSync(join(blobs, digest), text);
    return { digest: `sha256:${digest}`, size: Buffer.byteLength(text) };
  };
  const config = blob({
    architecture: "amd64",
    os: "linux",
    config: { Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sleep", "infinity"] },
    rootfs: { type: "layers", diff_ids: [layer.digest] },
  });
  const manifest = blob({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
  });
  writeFileSync(join(oci, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(oci, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          annotations: {
            "io.containerd.image.name": PAUSE_IMAGE,
            "org.opencontainers.image.ref.name": "bookworm",
          },
        },
      ],
    }),
  );
  const archive = join(dir, "pause.tar");
  execFileSync("tar", ["-chf", archive, "-C", oci, "oci-layout", "index.json", "blobs"]);
  return archive;
}

/**
 * A kubelet-less Kubernetes node for a test file: a containerd of its own (private socket and
 * state, CRI plugin on, a CNI bridge network) on which pods are started through the CRI, as a
 * kubelet would. Everything it made goes at stop(): pods (their namespaces and CNI leases), the
 * containerd and its shims, the bridge.
 */
export class TestCri {
  readonly socket: string;
  private containerd?: ChildProcess;
  private readonly pods: string[] = [];
  private readonly bridgeBefore = spawnSync("ip", ["link", "show", BRIDGE], { stdio: "ignore" }).status === 0;

  private constructor(private readonly dir: string) {
    this.socket = join(dir, "containerd.sock");
  }

  static async start(rootTarball: string): Promise<TestCri> {
    const c = new TestCri(tempDir("cri"));
    try {
      await c.startContainerd();
      const ctr = (args: string[]): string =>
        execFileSync("ctr", ["--address", c.socket, "-n", "k8s.io", ...args], {
          encoding: "utf8",
          timeout: 300_000,
        });
      // Imported every time (a few seconds: the layer's blobs are already in the content store), so
      // the image is always the one this helper describes.
      ctr(["images", "import", await ociArchive(rootTarball, c.dir)]);
      return c;
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  private async startContainerd(): Promise<void> {
    const cni = join(this.dir, "cni");
    mkdirSync(cni);
    writeFileSync(
      join(cni, "10-ospods.conflist"),
      JSON.stringify({
        cniVersion: "0.4.0",
        name: "ospods",
        plugins: [
          {
            type: "bridge",
            bridge: BRIDGE,
            isGateway: true,
            ipMasq: false,
            ipam: { type: "host-local", ranges: [[{ subnet: SUBNET }]], dataDir: join(this.dir, "ipam") },
          },
        ],
      }),
    );
    const config = join(this.dir, "config.toml");
    writeFileSync(
      config,
      [
        "version = 2",
        `root = "${ROOT}"`,
        `state = "${join(this.dir, "state")}"`,
        "[grpc]",
        `  address = "${this.socket}"`,
        '[plugins."io.containerd.grpc.v1.cri"]',
        `  sandbox_image = "${PAUSE_IMAGE}"`,
        // Root here lacks CAP_SYS_RESOURCE (a VM's sandbox): runc may not lower a sandbox's
        // oom_score_adj to -998, so it keeps containerd's own, as rootless nodes do.
        "  restrict_oom_score_adj = true",
        '  [plugins."io.containerd.grpc.v1.cri".cni]',
        '    bin_dir = "/usr/lib/cni"',
        `    conf_dir = "${cni}"`,
        "",
      ].join("\n"),
    );
    // A containerd of this helper's left by a killed test run holds ROOT's database lock: gone first.
    spawnSync("pkill", ["-f", "^containerd --config /tmp/overlayscope-cri-[^/]*/config.toml"]);
    const log = join(this.dir, "containerd.log");
    const proc = spawn("containerd", ["--config", config], {
      stdio: ["ignore", openSync(log, "a"), openSync(log, "a")],
    });
    this.containerd = proc;
    // The CRI answering is the event (30 s at most); containerd exiting ends the wait at once.
    for (let i = 0; i < 300 && proc.exitCode === null; i++) {
      if (existsSync(this.socket)) {
        const client = new CriClient(this.socket);
        const ok = await client.version().then(
          () => true,
          () => false,
        );
        client.close();
        if (ok) return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`containerd's CRI did not answer on ${this.socket}; see ${log}`);
  }

  /** A ready pod sandbox, as a kubelet starts one: its id. */
  async runPod(name: string, namespace: string): Promise<string> {
    const client = new CriClient(this.socket);
    try {
      const id = await client.runPod({
        metadata: { name, namespace, uid: randomUUID(), attempt: 0 },
        hostname: name,
        logDirectory: join(this.dir, "logs", `${namespace}_${name}`),
        labels: { app: "overlayscope-test" },
      });
      this.pods.push(id);
      return id;
    } finally {
      client.close();
    }
  }

  async stop(): Promise<void> {
    if (this.containerd && this.containerd.exitCode === null) {
      const client = new CriClient(this.socket);
      for (const id of this.pods.splice(0)) await client.stopAndRemovePod(id).catch(() => undefined);
      client.close();
      const gone = new Promise((r) => this.containerd!.once("exit", r));
      this.containerd.kill("SIGTERM");
      await gone;
      // The pods' shims outlive containerd briefly: wait for ours to go (10 s at most).
      for (
        let i = 0;
        i < 100 && spawnSync("pgrep", ["-f", `containerd-shim.*${this.socket}`]).status === 0;
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
    }
    if (!this.bridgeBefore) spawnSync("ip", ["link", "del", BRIDGE], { stdio: "ignore" });
  }
}
