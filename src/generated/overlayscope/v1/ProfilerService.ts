// Original file: proto/overlayscope/v1/profiler.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetHostInfoRequest as _overlayscope_v1_GetHostInfoRequest, GetHostInfoRequest__Output as _overlayscope_v1_GetHostInfoRequest__Output } from '../../overlayscope/v1/GetHostInfoRequest.js';
import type { GetHostInfoResponse as _overlayscope_v1_GetHostInfoResponse, GetHostInfoResponse__Output as _overlayscope_v1_GetHostInfoResponse__Output } from '../../overlayscope/v1/GetHostInfoResponse.js';
import type { GetProfileRequest as _overlayscope_v1_GetProfileRequest, GetProfileRequest__Output as _overlayscope_v1_GetProfileRequest__Output } from '../../overlayscope/v1/GetProfileRequest.js';
import type { GetProfileResponse as _overlayscope_v1_GetProfileResponse, GetProfileResponse__Output as _overlayscope_v1_GetProfileResponse__Output } from '../../overlayscope/v1/GetProfileResponse.js';
import type { GetRunRequest as _overlayscope_v1_GetRunRequest, GetRunRequest__Output as _overlayscope_v1_GetRunRequest__Output } from '../../overlayscope/v1/GetRunRequest.js';
import type { GetRunResponse as _overlayscope_v1_GetRunResponse, GetRunResponse__Output as _overlayscope_v1_GetRunResponse__Output } from '../../overlayscope/v1/GetRunResponse.js';
import type { GetSessionRequest as _overlayscope_v1_GetSessionRequest, GetSessionRequest__Output as _overlayscope_v1_GetSessionRequest__Output } from '../../overlayscope/v1/GetSessionRequest.js';
import type { GetSessionResponse as _overlayscope_v1_GetSessionResponse, GetSessionResponse__Output as _overlayscope_v1_GetSessionResponse__Output } from '../../overlayscope/v1/GetSessionResponse.js';
import type { ListProbesRequest as _overlayscope_v1_ListProbesRequest, ListProbesRequest__Output as _overlayscope_v1_ListProbesRequest__Output } from '../../overlayscope/v1/ListProbesRequest.js';
import type { ListProbesResponse as _overlayscope_v1_ListProbesResponse, ListProbesResponse__Output as _overlayscope_v1_ListProbesResponse__Output } from '../../overlayscope/v1/ListProbesResponse.js';
import type { ListSessionsRequest as _overlayscope_v1_ListSessionsRequest, ListSessionsRequest__Output as _overlayscope_v1_ListSessionsRequest__Output } from '../../overlayscope/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _overlayscope_v1_ListSessionsResponse, ListSessionsResponse__Output as _overlayscope_v1_ListSessionsResponse__Output } from '../../overlayscope/v1/ListSessionsResponse.js';
import type { StartSessionRequest as _overlayscope_v1_StartSessionRequest, StartSessionRequest__Output as _overlayscope_v1_StartSessionRequest__Output } from '../../overlayscope/v1/StartSessionRequest.js';
import type { StartSessionResponse as _overlayscope_v1_StartSessionResponse, StartSessionResponse__Output as _overlayscope_v1_StartSessionResponse__Output } from '../../overlayscope/v1/StartSessionResponse.js';
import type { StopSessionRequest as _overlayscope_v1_StopSessionRequest, StopSessionRequest__Output as _overlayscope_v1_StopSessionRequest__Output } from '../../overlayscope/v1/StopSessionRequest.js';
import type { StopSessionResponse as _overlayscope_v1_StopSessionResponse, StopSessionResponse__Output as _overlayscope_v1_StopSessionResponse__Output } from '../../overlayscope/v1/StopSessionResponse.js';
import type { StreamSessionRequest as _overlayscope_v1_StreamSessionRequest, StreamSessionRequest__Output as _overlayscope_v1_StreamSessionRequest__Output } from '../../overlayscope/v1/StreamSessionRequest.js';
import type { StreamSessionResponse as _overlayscope_v1_StreamSessionResponse, StreamSessionResponse__Output as _overlayscope_v1_StreamSessionResponse__Output } from '../../overlayscope/v1/StreamSessionResponse.js';

export interface ProfilerServiceClient extends grpc.Client {
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  GetHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  getHostInfo(argument: _overlayscope_v1_GetHostInfoRequest, callback: grpc.requestCallback<_overlayscope_v1_GetHostInfoResponse__Output>): grpc.ClientUnaryCall;
  
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _overlayscope_v1_GetProfileRequest, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _overlayscope_v1_GetProfileRequest, callback: grpc.requestCallback<_overlayscope_v1_GetProfileResponse__Output>): grpc.ClientUnaryCall;
  
  GetRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _overlayscope_v1_GetRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _overlayscope_v1_GetRunRequest, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  getRun(argument: _overlayscope_v1_GetRunRequest, callback: grpc.requestCallback<_overlayscope_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  
  GetSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _overlayscope_v1_GetSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _overlayscope_v1_GetSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _overlayscope_v1_GetSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_GetSessionResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  StartSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _overlayscope_v1_StartSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _overlayscope_v1_StartSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _overlayscope_v1_StartSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_StartSessionResponse__Output>): grpc.ClientUnaryCall;
  
  StopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  StopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  StopSession(argument: _overlayscope_v1_StopSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  StopSession(argument: _overlayscope_v1_StopSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  stopSession(argument: _overlayscope_v1_StopSessionRequest, callback: grpc.requestCallback<_overlayscope_v1_StopSessionResponse__Output>): grpc.ClientUnaryCall;
  
  StreamSession(argument: _overlayscope_v1_StreamSessionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_StreamSessionResponse__Output>;
  StreamSession(argument: _overlayscope_v1_StreamSessionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_StreamSessionResponse__Output>;
  streamSession(argument: _overlayscope_v1_StreamSessionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_StreamSessionResponse__Output>;
  streamSession(argument: _overlayscope_v1_StreamSessionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_overlayscope_v1_StreamSessionResponse__Output>;
  
}

export interface ProfilerServiceHandlers extends grpc.UntypedServiceImplementation {
  GetHostInfo: grpc.handleUnaryCall<_overlayscope_v1_GetHostInfoRequest__Output, _overlayscope_v1_GetHostInfoResponse>;
  
  GetProfile: grpc.handleUnaryCall<_overlayscope_v1_GetProfileRequest__Output, _overlayscope_v1_GetProfileResponse>;
  
  GetRun: grpc.handleUnaryCall<_overlayscope_v1_GetRunRequest__Output, _overlayscope_v1_GetRunResponse>;
  
  GetSession: grpc.handleUnaryCall<_overlayscope_v1_GetSessionRequest__Output, _overlayscope_v1_GetSessionResponse>;
  
  ListProbes: grpc.handleUnaryCall<_overlayscope_v1_ListProbesRequest__Output, _overlayscope_v1_ListProbesResponse>;
  
  ListSessions: grpc.handleUnaryCall<_overlayscope_v1_ListSessionsRequest__Output, _overlayscope_v1_ListSessionsResponse>;
  
  StartSession: grpc.handleUnaryCall<_overlayscope_v1_StartSessionRequest__Output, _overlayscope_v1_StartSessionResponse>;
  
  StopSession: grpc.handleUnaryCall<_overlayscope_v1_StopSessionRequest__Output, _overlayscope_v1_StopSessionResponse>;
  
  StreamSession: grpc.handleServerStreamingCall<_overlayscope_v1_StreamSessionRequest__Output, _overlayscope_v1_StreamSessionResponse>;
  
}

export interface ProfilerServiceDefinition extends grpc.ServiceDefinition {
  GetHostInfo: MethodDefinition<_overlayscope_v1_GetHostInfoRequest, _overlayscope_v1_GetHostInfoResponse, _overlayscope_v1_GetHostInfoRequest__Output, _overlayscope_v1_GetHostInfoResponse__Output>
  GetProfile: MethodDefinition<_overlayscope_v1_GetProfileRequest, _overlayscope_v1_GetProfileResponse, _overlayscope_v1_GetProfileRequest__Output, _overlayscope_v1_GetProfileResponse__Output>
  GetRun: MethodDefinition<_overlayscope_v1_GetRunRequest, _overlayscope_v1_GetRunResponse, _overlayscope_v1_GetRunRequest__Output, _overlayscope_v1_GetRunResponse__Output>
  GetSession: MethodDefinition<_overlayscope_v1_GetSessionRequest, _overlayscope_v1_GetSessionResponse, _overlayscope_v1_GetSessionRequest__Output, _overlayscope_v1_GetSessionResponse__Output>
  ListProbes: MethodDefinition<_overlayscope_v1_ListProbesRequest, _overlayscope_v1_ListProbesResponse, _overlayscope_v1_ListProbesRequest__Output, _overlayscope_v1_ListProbesResponse__Output>
  ListSessions: MethodDefinition<_overlayscope_v1_ListSessionsRequest, _overlayscope_v1_ListSessionsResponse, _overlayscope_v1_ListSessionsRequest__Output, _overlayscope_v1_ListSessionsResponse__Output>
  StartSession: MethodDefinition<_overlayscope_v1_StartSessionRequest, _overlayscope_v1_StartSessionResponse, _overlayscope_v1_StartSessionRequest__Output, _overlayscope_v1_StartSessionResponse__Output>
  StopSession: MethodDefinition<_overlayscope_v1_StopSessionRequest, _overlayscope_v1_StopSessionResponse, _overlayscope_v1_StopSessionRequest__Output, _overlayscope_v1_StopSessionResponse__Output>
  StreamSession: MethodDefinition<_overlayscope_v1_StreamSessionRequest, _overlayscope_v1_StreamSessionResponse, _overlayscope_v1_StreamSessionRequest__Output, _overlayscope_v1_StreamSessionResponse__Output>
}
