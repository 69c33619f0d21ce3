// Original file: proto/overlayscope/v1/profiler.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetHostInfoRequest as _overlayscope_v1_GetHostInfoRequest, GetHostInfoRequest__Output as _overlayscope_v1_GetHostInfoRequest__Output } from '../../overlayscope/v1/GetHostInfoRequest.js';
import type { GetProfileRequest as _overlayscope_v1_GetProfileRequest, GetProfileRequest__Output as _overlayscope_v1_GetProfileRequest__Output } from '../../overlayscope/v1/GetProfileRequest.js';
import type { GetRunRequest as _overlayscope_v1_GetRunRequest, GetRunRequest__Output as _overlayscope_v1_GetRunRequest__Output } from '../../overlayscope/v1/GetRunRequest.js';
import type { GetSessionRequest as _overlayscope_v1_GetSessionRequest, GetSessionRequest__Output as _overlayscope_v1_GetSessionRequest__Output } from '../../overlayscope/v1/GetSessionRequest.js';
import type { HostInfo as _overlayscope_v1_HostInfo, HostInfo__Output as _overlayscope_v1_HostInfo__Output } from '../../overlayscope/v1/HostInfo.js';
import type { ListProbesRequest as _overlayscope_v1_ListProbesRequest, ListProbesRequest__Output as _overlayscope_v1_ListProbesRequest__Output } from '../../overlayscope/v1/ListProbesRequest.js';
import type { ListProbesResponse as _overlayscope_v1_ListProbesResponse, ListProbesResponse__Output as _overlayscope_v1_ListProbesResponse__Output } from '../../overlayscope/v1/ListProbesResponse.js';
import type { ListSessionsRequest as _overlayscope_v1_ListSessionsRequest, ListSessionsRequest__Output as _overlayscope_v1_ListSessionsRequest__Output } from '../../overlayscope/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _overlayscope_v1_ListSessionsResponse, ListSessionsResponse__Output as _overlayscope_v1_ListSessionsResponse__Output } from '../../overlayscope/v1/ListSessionsResponse.js';
import type { Profile as _overlayscope_v1_Profile, Profile__Output as _overlayscope_v1_Profile__Output } from '../../overlayscope/v1/Profile.js';
import type { Run as _overlayscope_v1_Run, Run__Output as _overlayscope_v1_Run__Output } from '../../overlayscope/v1/Run.js';
import type { Session as _overlayscope_v1_Session, Session__Output as _overlayscope_v1_Session__Output } from '../../overlayscope/v1/Session.js';
import type { SessionSummary as _overlayscope_v1_SessionSummary, SessionSummary__Output as _overlayscope_v1_SessionSummary__Output } from '../../overlayscope/v1/SessionSummary.js';
import type { Snapshot as _overlayscope_v1_Snapshot, Snapshot__Output as _overlayscope_v1_Snapshot__Output } from '../../overlayscope/v1/Snapshot.js';
import type { StartSessionRequest as _overlayscope_v1_StartSessionRequest, StartSessionRequest__Output as _overlayscope_v1_StartSessionRequest__Output } from '../../overlayscope/v1/StartSessionRequest.js';
import type { StopSessionRequest as _overlayscope_v1_StopSessionRequest, StopSessionRequest__Output as _overlayscope_v1_StopSessionRequest__Output } from '../../overlayscope/v1/StopSessionRequest.js';
import type { StreamSessionRequest as _overlayscope_v1_StreamSessionRequest, StreamSessionRequest__Output as _overlayscope_v1_StreamSessionRequest__Output } from '../../overlayscope/v1/StreamSessionRequest.js';

export interface ProfilerClient extends grpc.Client {
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, callback: grpc.requestCallback<_overlayscope_v1_HostInfo__Output>): grpc.ClientUnaryCall;
  
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, callback: grpc.requestCallback<_overlayscope_v1_Profile__Output>): grpc.ClientUnaryCall;
  
  GetRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _overlayscope_v1_GetRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _overlayscope_v1_GetRunRequest, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, callback: grpc.requestCallback<_overlayscope_v1_Run__Output>): grpc.ClientUnaryCall;
  
  GetSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _overlayscope_v1_GetSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _overlayscope_v1_GetSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  
  ListProbes(argument: _overlayscope_v1_ListProbesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  ListProbes(argument: _overlayscope_v1_ListProbesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  ListProbes(argument: _overlayscope_v1_ListProbesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  ListProbes(argument: _overlayscope_v1_ListProbesRequest, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  listProbes(argument: _overlayscope_v1_ListProbesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  listProbes(argument: _overlayscope_v1_ListProbesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  listProbes(argument: _overlayscope_v1_ListProbesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  listProbes(argument: _overlayscope_v1_ListProbesRequest, callback: grpc.requestCallback<_overlayscope_v1_ListProbesResponse__Output>): grpc.ClientUnaryCall;
  
  ListSessions(argument: _overlayscope_v1_ListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _overlayscope_v1_ListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _overlayscope_v1_ListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _overlayscope_v1_ListSessionsRequest, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _overlayscope_v1_ListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _overlayscope_v1_ListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _overlayscope_v1_ListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _overlayscope_v1_ListSessionsRequest, callback: grpc.requestCallback<_overlayscope_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  
  StartSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _overlayscope_v1_StartSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _overlayscope_v1_StartSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_Session__Output>): grpc.ClientUnaryCall;
  
  StopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  StopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  StopSession(argument: _overlayscope_v1_StopSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  StopSession(argument: _overlayscope_v1_StopSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_SessionSummary__Output>): grpc.ClientUnaryCall;
  
  StreamSession(argument: _overlayscope_v1_StreamSessionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_Snapshot__Output>;
  StreamSession(argument: _overlayscope_v1_StreamSessionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_Snapshot__Output>;
  streamSession(argument: _overlayscope_v1_StreamSessionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_Snapshot__Output>;
  streamSession(argument: _overlayscope_v1_StreamSessionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_Snapshot__Output>;
  
}

export interface ProfilerHandlers extends grpc.UntypedServiceImplementation {
  GetHostInfo: grpc.handleUnaryCall<_overlayscope_v1_GetHostInfoRequest__Output, _overlayscope_v1_HostInfo>;
  
  GetProfile: grpc.handleUnaryCall<_overlayscope_v1_GetProfileRequest__Output, _overlayscope_v1_Profile>;
  
  GetRun: grpc.handleUnaryCall<_overlayscope_v1_GetRunRequest__Output, _overlayscope_v1_Run>;
  
  GetSession: grpc.handleUnaryCall<_overlayscope_v1_GetSessionRequest__Output, _overlayscope_v1_Session>;
  
  ListProbes: grpc.handleUnaryCall<_overlayscope_v1_ListProbesRequest__Output, _overlayscope_v1_ListProbesResponse>;
  
  ListSessions: grpc.handleUnaryCall<_overlayscope_v1_ListSessionsRequest__Output, _overlayscope_v1_ListSessionsResponse>;
  
  StartSession: grpc.handleUnaryCall<_overlayscope_v1_StartSessionRequest__Output, _overlayscope_v1_Session>;
  
  StopSession: grpc.handleUnaryCall<_overlayscope_v1_StopSessionRequest__Output, _overlayscope_v1_SessionSummary>;
  
  StreamSession: grpc.handleServerStreamingCall<_overlayscope_v1_StreamSessionRequest__Output, _overlayscope_v1_Snapshot>;
  
}

export interface ProfilerDefinition extends grpc.ServiceDefinition {
  GetHostInfo: MethodDefinition<_overlayscope_v1_GetHostInfoRequest, _overlayscope_v1_HostInfo, _overlayscope_v1_GetHostInfoRequest__Output, _overlayscope_v1_HostInfo__Output>
  GetProfile: MethodDefinition<_overlayscope_v1_GetProfileRequest, _overlayscope_v1_Profile, _overlayscope_v1_GetProfileRequest__Output, _overlayscope_v1_Profile__Output>
  GetRun: MethodDefinition<_overlayscope_v1_GetRunRequest, _overlayscope_v1_Run, _overlayscope_v1_GetRunRequest__Output, _overlayscope_v1_Run__Output>
  GetSession: MethodDefinition<_overlayscope_v1_GetSessionRequest, _overlayscope_v1_Session, _overlayscope_v1_GetSessionRequest__Output, _overlayscope_v1_Session__Output>
  ListProbes: MethodDefinition<_overlayscope_v1_ListProbesRequest, _overlayscope_v1_ListProbesResponse, _overlayscope_v1_ListProbesRequest__Output, _overlayscope_v1_ListProbesResponse__Output>
  ListSessions: MethodDefinition<_overlayscope_v1_ListSessionsRequest, _overlayscope_v1_ListSessionsResponse, _overlayscope_v1_ListSessionsRequest__Output, _overlayscope_v1_ListSessionsResponse__Output>
  StartSession: MethodDefinition<_overlayscope_v1_StartSessionRequest, _overlayscope_v1_Session, _overlayscope_v1_StartSessionRequest__Output, _overlayscope_v1_Session__Output>
  StopSession: MethodDefinition<_overlayscope_v1_StopSessionRequest, _overlayscope_v1_SessionSummary, _overlayscope_v1_StopSessionRequest__Output, _overlayscope_v1_SessionSummary__Output>
  StreamSession: MethodDefinition<_overlayscope_v1_StreamSessionRequest, _overlayscope_v1_Snapshot, _overlayscope_v1_StreamSessionRequest__Output, _overlayscope_v1_Snapshot__Output>
}
