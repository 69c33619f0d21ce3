import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { cacheDir } from "../util/cache-dir.js";
import { OverlayscopeError } from "../util/errors.js";
import { docker } from "./docker-cli.js";

const run = promisify(execFile);

/**
 * The image the Docker-backed lab runs its benchmarks in. There is no registry to pull from: it is
 * made here once, from a debootstrapped Debian root with the benchmarks in it, and cached.
 */
export const LAB_IMAGE = "overlayscope-lab:bookworm";
const CACHE_DIR = cacheDir();
const ROOT_TARBALL = join(CACHE_DIR, "lab-root-bookworm.tar");
const PACKAGES = ["iperf3", "sockperf", "iproute2", "iputils-ping"];

/**
 * The lab's root filesystem as a tarball in the cache, debootstrapped once (about a minute): what
 * the Docker lab image and the tests' Podman and pod images are made from. Its path.
 */
export async function ensureLabRoot(progress: (t: string) => void): Promise<string> {
  if (existsSync(ROOT_TARBALL)) return ROOT_TARBALL;
  await mkdir(CACHE_DIR, { recursive: true });
  const root = await mkdtemp(join(CACHE_DIR, "root-"));
  try {
    progress(`docker lab: debootstrapping a Debian root with ${PACKAGES.join(", ")} (once, about a minute)`);
    await run(
      "debootstrap",
      [
        "--variant=minbase",
        `--include=${PACKAGES.join(",")}`,
        "bookworm",
        root,
        "http://deb.debian.org/debian",
      ],
      { timeout: 900_000, maxBuffer: 64 << 20 },
    ).catch((e: { stderr?: string; message: string }) => {
      throw new OverlayscopeError(
        "FAILED_PRECONDITION",
        `debootstrap failed (needs the debootstrap package and a Debian mirror): ${(e.stderr ?? e.message).trim().slice(-400)}`,
      );
    });
    await run("tar", ["-C", root, "-cf", `${ROOT_TARBALL}.part`, "."], { timeout: 300_000 });
    await rename(`${ROOT_TARBALL}.part`, ROOT_TARBALL);
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(`${ROOT_TARBALL}.part`, { force: true });
  }
  return ROOT_TARBALL;
}

/**
 * The lab image, imported into the running dockerd (or the one `host` names: `-H unix://…`) from
 * the cached root, debootstrapped first if needed.
 */
export async function ensureLabImage(
  progress: (t: string) => void,
  host: readonly string[] = [],
): Promise<string> {
  const present = await docker(["image", "ls", "-q", LAB_IMAGE], host, 120_000);
  if (present.trim() !== "") return LAB_IMAGE;
  await ensureLabRoot(progress);
  progress(`docker lab: importing ${LAB_IMAGE}`);
  await docker(["import", "--change", 'CMD ["/bin/bash"]', ROOT_TARBALL, LAB_IMAGE], host, 300_000);
  return LAB_IMAGE;
}
