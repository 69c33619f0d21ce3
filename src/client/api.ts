import { Metadata, type ClientReadableStream, type ServiceError } from "@grpc/grpc-js";
import type { ProfilerServiceClient } from "../generated/overlayscope/v1/ProfilerService.js";
import type { HostInfo__Output } from "../generated/overlayscope/v1/HostInfo.js";
import type { ListProbesResponse__Output } from "../generated/overlayscope/v1/ListProbesResponse.js";
import type { Session__Output } from "../generated/overlayscope/v1/Session.js";
import type { SessionSummary__Output } from "../generated/overlayscope/v1/SessionSummary.js";
import type { ListSessionsResponse__Output } from "../generated/overlayscope/v1/ListSessionsResponse.js";
import type { Profile__Output } from "../generated/overlayscope/v1/Profile.js";
import type { ProfileFormat } from "../generated/overlayscope/v1/ProfileFormat.js";
import type { StartSessionRequest } from "../generated/overlayscope/v1/StartSessionRequest.js";
import type { CommandResult } from "../generated/overlayscope/v1/CommandResult.js";
import type { StreamSessionResponse__Output } from "../generated/overlayscope/v1/StreamSessionResponse.js";
import type { RunFile } from "../run/run-file.js";
import { tokenMetadata } from "./client.js";

function unary<T>(fn: (cb: (err: ServiceError | null, res?: T) => void) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, res) => (err ? reject(err) : resolve(res as T)));
  });
}

/** A response's one message field, which the daemon always sets (absent only on a broken peer). */
function field<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`the daemon's answer carries no ${what}`);
  return value;
}

/**
 * Promise-returning, fully typed calls over a ProfilerService client, each unwrapping the
 * response message to what it carries; the token rides on every call.
 */
export class ProfilerApi {
  private readonly md: Metadata;

  constructor(
    readonly raw: ProfilerServiceClient,
    token?: string,
  ) {
    this.md = token ? tokenMetadata(token) : new Metadata();
  }

  async hostInfo(): Promise<HostInfo__Output> {
    const res = await unary<{ host: HostInfo__Output | null }>((cb) => this.raw.getHostInfo({}, this.md, cb));
    return field(res.host, "host");
  }

  listProbes(): Promise<ListProbesResponse__Output> {
    return unary((cb) => this.raw.listProbes({}, this.md, cb));
  }

  async startSession(req: StartSessionRequest): Promise<Session__Output> {
    const res = await unary<{ session: Session__Output | null }>((cb) =>
      this.raw.startSession(req, this.md, cb),
    );
    return field(res.session, "session");
  }

  async getSession(id: string): Promise<Session__Output> {
    const res = await unary<{ session: Session__Output | null }>((cb) =>
      this.raw.getSession({ id }, this.md, cb),
    );
    return field(res.session, "session");
  }

  listSessions(): Promise<ListSessionsResponse__Output> {
    return unary((cb) => this.raw.listSessions({}, this.md, cb));
  }

  async stopSession(id: string, command?: CommandResult): Promise<SessionSummary__Output> {
    const res = await unary<{ summary: SessionSummary__Output | null }>((cb) =>
      this.raw.stopSession(command ? { id, command } : { id }, this.md, cb),
    );
    return field(res.summary, "summary");
  }

  /** The run the session made (it must have stopped). */
  async getRun(id: string): Promise<RunFile> {
    const res = await unary<{ run: { json: Buffer } | null }>((cb) => this.raw.getRun({ id }, this.md, cb));
    return JSON.parse(field(res.run, "run").json.toString("utf8")) as RunFile;
  }

  async getProfile(id: string, format: ProfileFormat): Promise<Profile__Output> {
    const res = await unary<{ profile: Profile__Output | null }>((cb) =>
      this.raw.getProfile({ id, format }, this.md, cb),
    );
    return field(res.profile, "profile");
  }

  /** The session's snapshots as they come (each message carries one); `progress`: without their figures. */
  streamSession(
    id: string,
    view: "full" | "progress" = "full",
  ): ClientReadableStream<StreamSessionResponse__Output> {
    return this.raw.streamSession(
      { id, view: view === "progress" ? "SNAPSHOT_VIEW_PROGRESS" : "SNAPSHOT_VIEW_FULL" },
      this.md,
    );
  }

  close(): void {
    this.raw.close();
  }
}
