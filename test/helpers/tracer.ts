import { spawn, type ChildProcess } from "node:child_process";

/**
 * Another tool's bpftrace (not overlayscope's), once its programs are attached: what a user may
 * have left running beside a benchmark. The caller kills it.
 */
export async function startTracer(program: string): Promise<ChildProcess> {
  const tracer = spawn("bpftrace", ["-e", program], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise<void>((res, rej) => {
    tracer.once("exit", () => rej(new Error(`the tracer exited: ${program}`)));
    tracer.stdout.on("data", (d: Buffer) => d.toString().includes("Attaching") && res());
  });
  return tracer;
}
