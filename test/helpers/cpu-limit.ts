import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";

export interface LimitedCgroup {
  dir: string;
  /** As /proc/<pid>/cgroup names it. */
  path: string;
  add: (pid: number) => void;
  /** Moves whatever is still inside back to the root cgroup, then removes it. */
  remove: () => void;
}

/** A fresh cgroup limited to `quota` CPUs in whichever hierarchy holds the cpu controller here. */
export function limitedCgroup(name: string, quota: number): LimitedCgroup {
  const v1 = ["/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu"].find((d) =>
    existsSync(`${d}/cpu.cfs_quota_us`),
  );
  const root = v1 ?? "/sys/fs/cgroup";
  if (!v1) writeFileSync(`${root}/cgroup.subtree_control`, "+cpu");
  const dir = `${root}/${name}`;
  mkdirSync(dir, { recursive: true });
  if (v1) {
    writeFileSync(`${dir}/cpu.cfs_period_us`, "100000");
    writeFileSync(`${dir}/cpu.cfs_quota_us`, String(Math.round(quota * 100000)));
  } else writeFileSync(`${dir}/cpu.max`, `${Math.round(quota * 100000)} 100000`);
  return {
    dir,
    path: `/${name}`,
    add: (pid) => writeFileSync(`${dir}/cgroup.procs`, String(pid)),
    remove: () => {
      for (const pid of readFileSync(`${dir}/cgroup.procs`, "utf8").split("\n").filter(Boolean))
        try {
          writeFileSync(`${root}/cgroup.procs`, pid);
        } catch {
          // exited meanwhile
        }
      rmdirSync(dir);
    },
  };
}
