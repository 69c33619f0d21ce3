import { Metadata, type ServiceError } from "@grpc/grpc-js";
import type { ProfilerClient } from "../generated/overlayscope/v1/Profiler.js";
import type { HostInfo__Output } from "../generated/overlayscope/v1/HostInfo.js";
import type { ListProbesResponse__Output } from "../generated/overlayscope/v1/ListProbesResponse.js";
import type { Session__Output } from "../generated/overlayscope/v1/Session.js";
import type { SessionSummary__Output } from "../generated/overlayscope/v1/SessionSummary.js";
import type { ListSessionsResponse__Output } from "../generated/overlayscope/v1/ListSessionsResponse.js";
import type { Profile__Output } from "../generated/overlayscope/v1/Profile.js";
import type { ProfileFormat } from "../generated/overlayscope/v1/ProfileFormat.js";
import type { StartSessionRequest } from "../generated/overlayscope/v1/StartSessionRequest.js";
import type { CommandResult } from "../generated/overlayscope/v1/CommandResult.js";
import type { Run__Output } from "../generated/overlayscope/v1/Run.js";
import type { RunFile } from "../run/run-file.js";
import { tokenMetadata } from "./client.js";

function unary<T>(fn: (cb: (err: ServiceError | null, res?: T) => void) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, res) => (err ? reject(err) : resolve(res as T)));
  });
}

/** Promise-returning, fully typed calls over a Profiler client; the token rides on every call. */
export class ProfilerApi {
  private readonly md: Metadata;

  constructor(
    readonly raw: ProfilerClient,
    token?: string,
  ) {
    this.md = token ? tokenMetadata(token) : new Metadata();
  }

  hostInfo(): Promise<HostInfo__Output> {
    return unary((cb) => this.raw.getHostInfo({}, this.md, cb));
  }

  listProbes(): Promise<ListProbesResponse__Output> {
    return unary((cb) => this.raw.listProbes({}, this.md, cb));
  }

  startSession(req: StartSessionRequest): Promise<Session__Output> {
    return unary((cb) => this.raw.startSession(req, this.md, cb));
  }

  getSession(id: string): Promise<Session__Output> {
    return unary((cb) => this.raw.getSession({ id }, this.md, cb));
  }

  listSessions(): Promise<ListSessionsResponse__Output> {
    return unary((cb) => this.raw.listSessions({}, this.md, cb));
  }

  stopSession(id: string, command?: CommandResult): Promise<SessionSummary__Output> {
    return unary((cb) => this.raw.stopSession(command ? { id, command } : { id }, this.md, cb));
  }

  /** The run the session made (it must have stopped). */
  async getRun(id: string): Promise<RunFile> {
    const res = await unary<Run__Output>((cb) => this.raw.getRun({ id }, this.md, cb));
    return JSON.parse(res.json.toString("utf8")) as RunFile;
  }

  getProfile(id: string, format: ProfileFormat): Promise<Profile__Output> {
    return unary((cb) => this.raw.getProfile({ id, format }, this.md, cb));
  }

  close(): void {
    this.raw.close();
  }
}
