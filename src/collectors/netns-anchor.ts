import type { ChildProcess } from "node:child_process";
import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
import { findProgram } from "../util/path-lookup.js";

/**
 * An anchor per named namespace (a name under /var/run/netns, or a runtime's bind-mount path): a process inside it, so its /proc/<pid>/net can be read. Each
 * one waits on its stdin, a pipe from the daemon that nothing is written to: however the daemon
 * ends, the pipe closes and every anchor exits. Names arrive as arguments, never as script text.
 * Each starter prints "<name> <pid>" per anchor and waits for them.
 *
 * With Perl (Essential on Debian and Ubuntu), one process forks one child per namespace, and each
 * child enters its namespace with setns(2): no exec at all. 150 anchors cost ~50 ms of CPU here,
 * against ~300 ms for a shell starting `nsenter … cat` per namespace (two execs each) and ~540 ms
 * for the `setpriv … ip netns exec … sleep` of before (bench/scale.ts, process schedstat).
 */
const ANCHOR_PERL = `use strict;
my $nr = shift @ARGV;
$| = 1;
for my $ns (@ARGV) {
  my $pid = fork();
  next unless defined $pid;
  if ($pid == 0) {
    open(my $fh, "<", ($ns =~ m{^/} ? $ns : "/var/run/netns/$ns")) or exit 1;
    syscall($nr, fileno($fh), 0x40000000) == 0 or exit 1;
    close $fh;
    $0 = "overlayscope-anchor";
    my $b;
    1 while sysread(STDIN, $b, 1);
    exit 0;
  }
  print "$ns $pid\n";
}
1 while wait() != -1;`;

/** setns(2) by architecture, for the Perl starter; elsewhere the shell one is used. */
const SETNS_SYSCALL: Partial<Record<NodeJS.Architecture, number>> = {
  x64: 308,
  arm64: 268,
  riscv64: 268,
  ia32: 346,
};

/**
 * Without Perl: `nsenter` (it enters the namespace, nothing else: `ip netns exec` also makes a mount
 * namespace and mounts sysfs) running `cat` on the shell's stdin. Background jobs of a
 * non-interactive shell read /dev/null unless told otherwise, hence fd 3.
 */
const ANCHOR_SHELL = `exec 3<&0
for ns in "$@"; do
  case $ns in /*) p=$ns ;; *) p=/var/run/netns/$ns ;; esac
  nsenter --net="$p" cat <&3 >/dev/null 2>&1 &
  echo "$ns $!"
done
wait`;

let perl: Promise<string | undefined> | undefined;
function anchorStarter(names: readonly string[]): Promise<[string, string[]]> {
  perl ??= findProgram("perl").then((p) => p.file);
  return perl.then((file) => {
    const nr = SETNS_SYSCALL[process.arch];
    return file && nr !== undefined
      ? [file, ["-e", ANCHOR_PERL, String(nr), ...names]]
      : ["sh", ["-c", ANCHOR_SHELL, "sh", ...names]];
  });
}

/**
 * A named namespace with no process in it has no /proc/<pid>/net to read. One anchor per such
 * namespace, started once per session, gives it one; then each interval is a plain file read, not
 * a fork. Anchors die with us (their stdin closes) and are killed on release.
 */
export class NetnsAnchors {
  private readonly pids = new Map<string, number>();
  private readonly shells: ChildProcess[] = [];
  private released = false;

  /** The anchor's pid, once `ensure` started it; undefined after release. */
  pidFor(name: string): number | undefined {
    return this.released ? undefined : this.pids.get(name);
  }

  /** Starts anchors for the names that have none; resolves once every one has a pid. */
  async ensure(names: readonly string[]): Promise<void> {
    const missing = [...new Set(names)].filter((n) => !this.pids.has(n));
    if (this.released || missing.length === 0) return;
    const [file, args] = await anchorStarter(missing);
    const shell = spawnGuarded(file, args, { stdio: ["pipe", "pipe", "ignore"] });
    this.shells.push(shell);
    await new Promise<void>((resolve) => {
      let out = "";
      let left = missing.length;
      const done = (): void => {
        shell.stdout?.removeAllListeners("data");
        resolve();
      };
      shell.stdout?.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        let nl: number;
        while ((nl = out.indexOf("\n")) >= 0) {
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          const sp = line.lastIndexOf(" ");
          const pid = Number(line.slice(sp + 1));
          if (sp > 0 && Number.isInteger(pid) && pid > 0) this.pids.set(line.slice(0, sp), pid);
          if (--left === 0) done();
        }
      });
      shell.once("exit", done);
      shell.once("error", done);
    });
  }

  /** Stops the anchors of namespaces that are gone, so we never keep a deleted namespace alive. */
  retain(names: ReadonlySet<string>): void {
    for (const [name, pid] of this.pids) {
      if (names.has(name)) continue;
      kill(pid);
      this.pids.delete(name);
    }
  }

  release(): void {
    this.released = true;
    for (const pid of this.pids.values()) kill(pid);
    for (const s of this.shells) {
      s.kill("SIGKILL");
      s.stdin?.destroy();
    }
    this.pids.clear();
    this.shells.length = 0;
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
