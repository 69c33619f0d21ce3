import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ProfilerApi } from "../../src/client/api.js";
import { connect } from "../../src/client/client.js";
import { runCli } from "../helpers/cli.js";
import { startDaemon, type RunningDaemon } from "../helpers/daemon.js";
import { kernelSkipReason, requireKernel, requireTool } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

const dir = tempDir("tls");
const f = (name: string): string => join(dir, name);
const ssl = (...args: string[]): void => {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
};

/** A CA, a server certificate for 127.0.0.1 and a client certificate, plus a rogue CA's client. */
function makePki(): void {
  for (const ca of ["ca", "rogue-ca"])
    ssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=overlayscope test ${ca}`,
      "-keyout",
      f(`${ca}.key`),
      "-out",
      f(`${ca}.pem`),
    );
  writeFileSync(f("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  writeFileSync(f("client.ext"), "extendedKeyUsage=clientAuth\n");
  const issue = (name: string, ca: string, ext: string): void => {
    ssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      f(`${name}.key`),
      "-out",
      f(`${name}.csr`),
    );
    ssl(
      "x509",
      "-req",
      "-in",
      f(`${name}.csr`),
      "-CA",
      f(`${ca}.pem`),
      "-CAkey",
      f(`${ca}.key`),
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      f(ext),
      "-out",
      f(`${name}.pem`),
    );
  };
  issue("server", "ca", "server.ext");
  issue("client", "ca", "client.ext");
  issue("rogue", "rogue-ca", "client.ext");
}

let d: RunningDaemon | undefined;
let port = 0;
before(async () => {
  if (kernelSkipReason() || execFileSync("sh", ["-c", "command -v openssl || true"]).length === 0) return;
  makePki();
  d = await startDaemon([
    "--listen",
    "127.0.0.1:0",
    "--tls-cert",
    f("server.pem"),
    "--tls-key",
    f("server.key"),
    "--tls-ca",
    f("ca.pem"),
    "--require-client-cert",
  ]);
  port = Number(/"tcpPort":(\d+)/.exec(d.stderr())?.[1] ?? 0);
});
after(async () => {
  await d?.stop();
});

const read = (n: string): Buffer => readFileSync(f(n));
async function hostInfo(tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer }): Promise<string> {
  const api = new ProfilerApi(connect({ address: `127.0.0.1:${port}`, ...(tls ? { tls } : {}) }));
  try {
    return (await api.hostInfo()).hostname;
  } finally {
    api.close();
  }
}
const refused = async (p: Promise<unknown>): Promise<void> => {
  await assert.rejects(p, (e: { code?: number }) => e.code === 14, "UNAVAILABLE: the handshake is refused");
};

test("TLS with client certificates: a certificate from the daemon's CA is served", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "openssl", ["version"])) return;
  assert.ok(port > 0, d?.stderr());
  assert.ok(
    (await hostInfo({ ca: read("ca.pem"), cert: read("client.pem"), key: read("client.key") })).length > 0,
  );
});

test("TLS refuses a client with no certificate, a rogue CA's certificate, or plaintext", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "openssl", ["version"])) return;
  await refused(hostInfo({ ca: read("ca.pem") }));
  await refused(hostInfo({ ca: read("ca.pem"), cert: read("rogue.pem"), key: read("rogue.key") }));
  await refused(hostInfo());
  // and a client that does not trust the daemon's CA refuses the daemon
  await refused(hostInfo({ ca: read("rogue-ca.pem"), cert: read("client.pem"), key: read("client.key") }));
  // Refused handshakes are logged (rate-limited: one line for the burst), with the peer.
  const lines = d!
    .stderr()
    .split("\n")
    .filter((l) => l.includes("refused TLS handshakes"));
  assert.equal(lines.length, 1, d!.stderr());
  assert.match(lines[0]!, /"peer":"127\.0\.0\.1"/);
});

test("record --hosts over TLS: a valid client certificate records; without one the host is reported failed", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "openssl", ["version"])) return;
  const common = ["record", "--hosts", `srv=127.0.0.1:${port}`, "--probes", "softirq", "--duration", "1s"];
  const ok = await runCli([
    ...common,
    "--tls-ca",
    f("ca.pem"),
    "--tls-cert",
    f("client.pem"),
    "--tls-key",
    f("client.key"),
    "-o",
    f("ok.json"),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /srv \(\w+\): \d+ snapshots/);
  const bad = await runCli([...common, "--tls-ca", f("ca.pem"), "-o", f("bad.json")]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /srv: FAILED: 14 UNAVAILABLE/);
  const plain = await runCli([...common, "-o", f("plain.json")]);
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /--hosts: TCP needs --tls-ca .* or --insecure for plaintext/);
});
