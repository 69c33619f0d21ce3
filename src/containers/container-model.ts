import { z } from "zod";

/**
 * A container as a target resolves to: which runtime has it, its identity, and where it lives in
 * the kernel (pid, network namespace, cgroup). The one definition; the run file keeps it.
 */
export const ContainerNetworkSchema = z.object({
  name: z.string().describe("the runtime's network name, e.g. bridge, my-overlay"),
  id: z.string(),
  driver: z.string().describe("bridge, overlay, macvlan, host, null, …"),
  subnets: z.array(z.string()),
  address: z.string().describe("the container's IPv4 address on it ('' when none)"),
  vxlanIds: z.array(z.number()).describe("VXLAN network identifiers of an overlay network"),
});

export const ContainerSchema = z.object({
  runtime: z.enum(["docker", "podman", "containerd", "cri-o"]),
  id: z.string(),
  name: z.string().describe("the runtime's name for it (containerd: the id)"),
  image: z.string(),
  namespace: z.string().describe("the containerd namespace it is in ('' for docker and podman)"),
  pid: z.number().describe("its first process, as the host sees it"),
  netns: z.object({ path: z.string(), inode: z.number() }),
  cgroup: z.string().describe("its first process's cgroup (v2 path, else the v1 cpu hierarchy's)"),
  networkMode: z.string().describe("docker/podman: host, bridge, none, container:ID, or a network name"),
  networks: z.array(ContainerNetworkSchema),
  pod: z
    .object({
      name: z.string(),
      namespace: z.string().describe("the Kubernetes namespace"),
      uid: z.string(),
      criSocket: z.string().describe("the CRI socket it was found through"),
    })
    .optional()
    .describe("a pod (--pod): its sandbox, found through the CRI; id is the sandbox id"),
});

export type Container = z.infer<typeof ContainerSchema>;
export type ContainerNetwork = z.infer<typeof ContainerNetworkSchema>;
