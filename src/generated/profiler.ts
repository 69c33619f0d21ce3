import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { ActiveProbe as _overlayscope_v1_ActiveProbe, ActiveProbe__Output as _overlayscope_v1_ActiveProbe__Output } from './overlayscope/v1/ActiveProbe.js';
import type { ClassSamples as _overlayscope_v1_ClassSamples, ClassSamples__Output as _overlayscope_v1_ClassSamples__Output } from './overlayscope/v1/ClassSamples.js';
import type { CollectorInfo as _overlayscope_v1_CollectorInfo, CollectorInfo__Output as _overlayscope_v1_CollectorInfo__Output } from './overlayscope/v1/CollectorInfo.js';
import type { Command as _overlayscope_v1_Command, Command__Output as _overlayscope_v1_Command__Output } from './overlayscope/v1/Command.js';
import type { CommandResult as _overlayscope_v1_CommandResult, CommandResult__Output as _overlayscope_v1_CommandResult__Output } from './overlayscope/v1/CommandResult.js';
import type { ContainerTarget as _overlayscope_v1_ContainerTarget, ContainerTarget__Output as _overlayscope_v1_ContainerTarget__Output } from './overlayscope/v1/ContainerTarget.js';
import type { Counter as _overlayscope_v1_Counter, Counter__Output as _overlayscope_v1_Counter__Output } from './overlayscope/v1/Counter.js';
import type { CpuUsage as _overlayscope_v1_CpuUsage, CpuUsage__Output as _overlayscope_v1_CpuUsage__Output } from './overlayscope/v1/CpuUsage.js';
import type { DepthBucket as _overlayscope_v1_DepthBucket, DepthBucket__Output as _overlayscope_v1_DepthBucket__Output } from './overlayscope/v1/DepthBucket.js';
import type { DeviceRate as _overlayscope_v1_DeviceRate, DeviceRate__Output as _overlayscope_v1_DeviceRate__Output } from './overlayscope/v1/DeviceRate.js';
import type { EntryDepth as _overlayscope_v1_EntryDepth, EntryDepth__Output as _overlayscope_v1_EntryDepth__Output } from './overlayscope/v1/EntryDepth.js';
import type { FunctionShare as _overlayscope_v1_FunctionShare, FunctionShare__Output as _overlayscope_v1_FunctionShare__Output } from './overlayscope/v1/FunctionShare.js';
import type { GetHostInfoRequest as _overlayscope_v1_GetHostInfoRequest, GetHostInfoRequest__Output as _overlayscope_v1_GetHostInfoRequest__Output } from './overlayscope/v1/GetHostInfoRequest.js';
import type { GetHostInfoResponse as _overlayscope_v1_GetHostInfoResponse, GetHostInfoResponse__Output as _overlayscope_v1_GetHostInfoResponse__Output } from './overlayscope/v1/GetHostInfoResponse.js';
import type { GetProfileRequest as _overlayscope_v1_GetProfileRequest, GetProfileRequest__Output as _overlayscope_v1_GetProfileRequest__Output } from './overlayscope/v1/GetProfileRequest.js';
import type { GetProfileResponse as _overlayscope_v1_GetProfileResponse, GetProfileResponse__Output as _overlayscope_v1_GetProfileResponse__Output } from './overlayscope/v1/GetProfileResponse.js';
import type { GetRunRequest as _overlayscope_v1_GetRunRequest, GetRunRequest__Output as _overlayscope_v1_GetRunRequest__Output } from './overlayscope/v1/GetRunRequest.js';
import type { GetRunResponse as _overlayscope_v1_GetRunResponse, GetRunResponse__Output as _overlayscope_v1_GetRunResponse__Output } from './overlayscope/v1/GetRunResponse.js';
import type { GetSessionRequest as _overlayscope_v1_GetSessionRequest, GetSessionRequest__Output as _overlayscope_v1_GetSessionRequest__Output } from './overlayscope/v1/GetSessionRequest.js';
import type { GetSessionResponse as _overlayscope_v1_GetSessionResponse, GetSessionResponse__Output as _overlayscope_v1_GetSessionResponse__Output } from './overlayscope/v1/GetSessionResponse.js';
import type { HardwareSample as _overlayscope_v1_HardwareSample, HardwareSample__Output as _overlayscope_v1_HardwareSample__Output } from './overlayscope/v1/HardwareSample.js';
import type { HardwareValue as _overlayscope_v1_HardwareValue, HardwareValue__Output as _overlayscope_v1_HardwareValue__Output } from './overlayscope/v1/HardwareValue.js';
import type { Histogram as _overlayscope_v1_Histogram, Histogram__Output as _overlayscope_v1_Histogram__Output } from './overlayscope/v1/Histogram.js';
import type { HistogramBucket as _overlayscope_v1_HistogramBucket, HistogramBucket__Output as _overlayscope_v1_HistogramBucket__Output } from './overlayscope/v1/HistogramBucket.js';
import type { HostInfo as _overlayscope_v1_HostInfo, HostInfo__Output as _overlayscope_v1_HostInfo__Output } from './overlayscope/v1/HostInfo.js';
import type { HostTarget as _overlayscope_v1_HostTarget, HostTarget__Output as _overlayscope_v1_HostTarget__Output } from './overlayscope/v1/HostTarget.js';
import type { ListProbesRequest as _overlayscope_v1_ListProbesRequest, ListProbesRequest__Output as _overlayscope_v1_ListProbesRequest__Output } from './overlayscope/v1/ListProbesRequest.js';
import type { ListProbesResponse as _overlayscope_v1_ListProbesResponse, ListProbesResponse__Output as _overlayscope_v1_ListProbesResponse__Output } from './overlayscope/v1/ListProbesResponse.js';
import type { ListSessionsRequest as _overlayscope_v1_ListSessionsRequest, ListSessionsRequest__Output as _overlayscope_v1_ListSessionsRequest__Output } from './overlayscope/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _overlayscope_v1_ListSessionsResponse, ListSessionsResponse__Output as _overlayscope_v1_ListSessionsResponse__Output } from './overlayscope/v1/ListSessionsResponse.js';
import type { NetnsTarget as _overlayscope_v1_NetnsTarget, NetnsTarget__Output as _overlayscope_v1_NetnsTarget__Output } from './overlayscope/v1/NetnsTarget.js';
import type { PodTarget as _overlayscope_v1_PodTarget, PodTarget__Output as _overlayscope_v1_PodTarget__Output } from './overlayscope/v1/PodTarget.js';
import type { ProbeCost as _overlayscope_v1_ProbeCost, ProbeCost__Output as _overlayscope_v1_ProbeCost__Output } from './overlayscope/v1/ProbeCost.js';
import type { ProbeInfo as _overlayscope_v1_ProbeInfo, ProbeInfo__Output as _overlayscope_v1_ProbeInfo__Output } from './overlayscope/v1/ProbeInfo.js';
import type { ProbeParam as _overlayscope_v1_ProbeParam, ProbeParam__Output as _overlayscope_v1_ProbeParam__Output } from './overlayscope/v1/ProbeParam.js';
import type { ProbeSpec as _overlayscope_v1_ProbeSpec, ProbeSpec__Output as _overlayscope_v1_ProbeSpec__Output } from './overlayscope/v1/ProbeSpec.js';
import type { ProcessCpu as _overlayscope_v1_ProcessCpu, ProcessCpu__Output as _overlayscope_v1_ProcessCpu__Output } from './overlayscope/v1/ProcessCpu.js';
import type { Profile as _overlayscope_v1_Profile, Profile__Output as _overlayscope_v1_Profile__Output } from './overlayscope/v1/Profile.js';
import type { ProfilerServiceClient as _overlayscope_v1_ProfilerServiceClient, ProfilerServiceDefinition as _overlayscope_v1_ProfilerServiceDefinition } from './overlayscope/v1/ProfilerService.js';
import type { Run as _overlayscope_v1_Run, Run__Output as _overlayscope_v1_Run__Output } from './overlayscope/v1/Run.js';
import type { Session as _overlayscope_v1_Session, Session__Output as _overlayscope_v1_Session__Output } from './overlayscope/v1/Session.js';
import type { SessionEvent as _overlayscope_v1_SessionEvent, SessionEvent__Output as _overlayscope_v1_SessionEvent__Output } from './overlayscope/v1/SessionEvent.js';
import type { SessionSummary as _overlayscope_v1_SessionSummary, SessionSummary__Output as _overlayscope_v1_SessionSummary__Output } from './overlayscope/v1/SessionSummary.js';
import type { Snapshot as _overlayscope_v1_Snapshot, Snapshot__Output as _overlayscope_v1_Snapshot__Output } from './overlayscope/v1/Snapshot.js';
import type { SoftirqRate as _overlayscope_v1_SoftirqRate, SoftirqRate__Output as _overlayscope_v1_SoftirqRate__Output } from './overlayscope/v1/SoftirqRate.js';
import type { StartSessionRequest as _overlayscope_v1_StartSessionRequest, StartSessionRequest__Output as _overlayscope_v1_StartSessionRequest__Output } from './overlayscope/v1/StartSessionRequest.js';
import type { StartSessionResponse as _overlayscope_v1_StartSessionResponse, StartSessionResponse__Output as _overlayscope_v1_StartSessionResponse__Output } from './overlayscope/v1/StartSessionResponse.js';
import type { StopSessionRequest as _overlayscope_v1_StopSessionRequest, StopSessionRequest__Output as _overlayscope_v1_StopSessionRequest__Output } from './overlayscope/v1/StopSessionRequest.js';
import type { StopSessionResponse as _overlayscope_v1_StopSessionResponse, StopSessionResponse__Output as _overlayscope_v1_StopSessionResponse__Output } from './overlayscope/v1/StopSessionResponse.js';
import type { StreamSessionRequest as _overlayscope_v1_StreamSessionRequest, StreamSessionRequest__Output as _overlayscope_v1_StreamSessionRequest__Output } from './overlayscope/v1/StreamSessionRequest.js';
import type { StreamSessionResponse as _overlayscope_v1_StreamSessionResponse, StreamSessionResponse__Output as _overlayscope_v1_StreamSessionResponse__Output } from './overlayscope/v1/StreamSessionResponse.js';
import type { Target as _overlayscope_v1_Target, Target__Output as _overlayscope_v1_Target__Output } from './overlayscope/v1/Target.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  overlayscope: {
    v1: {
      ActiveProbe: MessageTypeDefinition<_overlayscope_v1_ActiveProbe, _overlayscope_v1_ActiveProbe__Output>
      ClassSamples: MessageTypeDefinition<_overlayscope_v1_ClassSamples, _overlayscope_v1_ClassSamples__Output>
      CollectorInfo: MessageTypeDefinition<_overlayscope_v1_CollectorInfo, _overlayscope_v1_CollectorInfo__Output>
      Command: MessageTypeDefinition<_overlayscope_v1_Command, _overlayscope_v1_Command__Output>
      CommandResult: MessageTypeDefinition<_overlayscope_v1_CommandResult, _overlayscope_v1_CommandResult__Output>
      ContainerTarget: MessageTypeDefinition<_overlayscope_v1_ContainerTarget, _overlayscope_v1_ContainerTarget__Output>
      Counter: MessageTypeDefinition<_overlayscope_v1_Counter, _overlayscope_v1_Counter__Output>
      CpuUsage: MessageTypeDefinition<_overlayscope_v1_CpuUsage, _overlayscope_v1_CpuUsage__Output>
      DepthBucket: MessageTypeDefinition<_overlayscope_v1_DepthBucket, _overlayscope_v1_DepthBucket__Output>
      DeviceRate: MessageTypeDefinition<_overlayscope_v1_DeviceRate, _overlayscope_v1_DeviceRate__Output>
      EntryDepth: MessageTypeDefinition<_overlayscope_v1_EntryDepth, _overlayscope_v1_EntryDepth__Output>
      FunctionShare: MessageTypeDefinition<_overlayscope_v1_FunctionShare, _overlayscope_v1_FunctionShare__Output>
      GetHostInfoRequest: MessageTypeDefinition<_overlayscope_v1_GetHostInfoRequest, _overlayscope_v1_GetHostInfoRequest__Output>
      GetHostInfoResponse: MessageTypeDefinition<_overlayscope_v1_GetHostInfoResponse, _overlayscope_v1_GetHostInfoResponse__Output>
      GetProfileRequest: MessageTypeDefinition<_overlayscope_v1_GetProfileRequest, _overlayscope_v1_GetProfileRequest__Output>
      GetProfileResponse: MessageTypeDefinition<_overlayscope_v1_GetProfileResponse, _overlayscope_v1_GetProfileResponse__Output>
      GetRunRequest: MessageTypeDefinition<_overlayscope_v1_GetRunRequest, _overlayscope_v1_GetRunRequest__Output>
      GetRunResponse: MessageTypeDefinition<_overlayscope_v1_GetRunResponse, _overlayscope_v1_GetRunResponse__Output>
      GetSessionRequest: MessageTypeDefinition<_overlayscope_v1_GetSessionRequest, _overlayscope_v1_GetSessionRequest__Output>
      GetSessionResponse: MessageTypeDefinition<_overlayscope_v1_GetSessionResponse, _overlayscope_v1_GetSessionResponse__Output>
      HardwareSample: MessageTypeDefinition<_overlayscope_v1_HardwareSample, _overlayscope_v1_HardwareSample__Output>
      HardwareValue: MessageTypeDefinition<_overlayscope_v1_HardwareValue, _overlayscope_v1_HardwareValue__Output>
      Histogram: MessageTypeDefinition<_overlayscope_v1_Histogram, _overlayscope_v1_Histogram__Output>
      HistogramBucket: MessageTypeDefinition<_overlayscope_v1_HistogramBucket, _overlayscope_v1_HistogramBucket__Output>
      HostInfo: MessageTypeDefinition<_overlayscope_v1_HostInfo, _overlayscope_v1_HostInfo__Output>
      HostTarget: MessageTypeDefinition<_overlayscope_v1_HostTarget, _overlayscope_v1_HostTarget__Output>
      ListProbesRequest: MessageTypeDefinition<_overlayscope_v1_ListProbesRequest, _overlayscope_v1_ListProbesRequest__Output>
      ListProbesResponse: MessageTypeDefinition<_overlayscope_v1_ListProbesResponse, _overlayscope_v1_ListProbesResponse__Output>
      ListSessionsRequest: MessageTypeDefinition<_overlayscope_v1_ListSessionsRequest, _overlayscope_v1_ListSessionsRequest__Output>
      ListSessionsResponse: MessageTypeDefinition<_overlayscope_v1_ListSessionsResponse, _overlayscope_v1_ListSessionsResponse__Output>
      NetnsTarget: MessageTypeDefinition<_overlayscope_v1_NetnsTarget, _overlayscope_v1_NetnsTarget__Output>
      PodTarget: MessageTypeDefinition<_overlayscope_v1_PodTarget, _overlayscope_v1_PodTarget__Output>
      ProbeCost: MessageTypeDefinition<_overlayscope_v1_ProbeCost, _overlayscope_v1_ProbeCost__Output>
      ProbeInfo: MessageTypeDefinition<_overlayscope_v1_ProbeInfo, _overlayscope_v1_ProbeInfo__Output>
      ProbeParam: MessageTypeDefinition<_overlayscope_v1_ProbeParam, _overlayscope_v1_ProbeParam__Output>
      ProbeSpec: MessageTypeDefinition<_overlayscope_v1_ProbeSpec, _overlayscope_v1_ProbeSpec__Output>
      ProcessCpu: MessageTypeDefinition<_overlayscope_v1_ProcessCpu, _overlayscope_v1_ProcessCpu__Output>
      Profile: MessageTypeDefinition<_overlayscope_v1_Profile, _overlayscope_v1_Profile__Output>
      ProfileFormat: EnumTypeDefinition
      ProfilerService: SubtypeConstructor<typeof grpc.Client, _overlayscope_v1_ProfilerServiceClient> & { service: _overlayscope_v1_ProfilerServiceDefinition }
      Run: MessageTypeDefinition<_overlayscope_v1_Run, _overlayscope_v1_Run__Output>
      Session: MessageTypeDefinition<_overlayscope_v1_Session, _overlayscope_v1_Session__Output>
      SessionEvent: MessageTypeDefinition<_overlayscope_v1_SessionEvent, _overlayscope_v1_SessionEvent__Output>
      SessionState: EnumTypeDefinition
      SessionSummary: MessageTypeDefinition<_overlayscope_v1_SessionSummary, _overlayscope_v1_SessionSummary__Output>
      Snapshot: MessageTypeDefinition<_overlayscope_v1_Snapshot, _overlayscope_v1_Snapshot__Output>
      SnapshotView: EnumTypeDefinition
      SoftirqRate: MessageTypeDefinition<_overlayscope_v1_SoftirqRate, _overlayscope_v1_SoftirqRate__Output>
      StartSessionRequest: MessageTypeDefinition<_overlayscope_v1_StartSessionRequest, _overlayscope_v1_StartSessionRequest__Output>
      StartSessionResponse: MessageTypeDefinition<_overlayscope_v1_StartSessionResponse, _overlayscope_v1_StartSessionResponse__Output>
      StopSessionRequest: MessageTypeDefinition<_overlayscope_v1_StopSessionRequest, _overlayscope_v1_StopSessionRequest__Output>
      StopSessionResponse: MessageTypeDefinition<_overlayscope_v1_StopSessionResponse, _overlayscope_v1_StopSessionResponse__Output>
      StreamSessionRequest: MessageTypeDefinition<_overlayscope_v1_StreamSessionRequest, _overlayscope_v1_StreamSessionRequest__Output>
      StreamSessionResponse: MessageTypeDefinition<_overlayscope_v1_StreamSessionResponse, _overlayscope_v1_StreamSessionResponse__Output>
      Target: MessageTypeDefinition<_overlayscope_v1_Target, _overlayscope_v1_Target__Output>
    }
  }
}

