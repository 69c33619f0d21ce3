// Original file: proto/overlayscope/v1/profiler.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { CpuUsage as _overlayscope_v1_CpuUsage, CpuUsage__Output as _overlayscope_v1_CpuUsage__Output } from '../../overlayscope/v1/CpuUsage.js';
import type { SoftirqRate as _overlayscope_v1_SoftirqRate, SoftirqRate__Output as _overlayscope_v1_SoftirqRate__Output } from '../../overlayscope/v1/SoftirqRate.js';
import type { DeviceRate as _overlayscope_v1_DeviceRate, DeviceRate__Output as _overlayscope_v1_DeviceRate__Output } from '../../overlayscope/v1/DeviceRate.js';
import type { ProbeCost as _overlayscope_v1_ProbeCost, ProbeCost__Output as _overlayscope_v1_ProbeCost__Output } from '../../overlayscope/v1/ProbeCost.js';
import type { Histogram as _overlayscope_v1_Histogram, Histogram__Output as _overlayscope_v1_Histogram__Output } from '../../overlayscope/v1/Histogram.js';
import type { Counter as _overlayscope_v1_Counter, Counter__Output as _overlayscope_v1_Counter__Output } from '../../overlayscope/v1/Counter.js';
import type { DepthBucket as _overlayscope_v1_DepthBucket, DepthBucket__Output as _overlayscope_v1_DepthBucket__Output } from '../../overlayscope/v1/DepthBucket.js';
import type { FunctionShare as _overlayscope_v1_FunctionShare, FunctionShare__Output as _overlayscope_v1_FunctionShare__Output } from '../../overlayscope/v1/FunctionShare.js';
import type { SessionEvent as _overlayscope_v1_SessionEvent, SessionEvent__Output as _overlayscope_v1_SessionEvent__Output } from '../../overlayscope/v1/SessionEvent.js';
import type { HardwareSample as _overlayscope_v1_HardwareSample, HardwareSample__Output as _overlayscope_v1_HardwareSample__Output } from '../../overlayscope/v1/HardwareSample.js';
import type { ProcessCpu as _overlayscope_v1_ProcessCpu, ProcessCpu__Output as _overlayscope_v1_ProcessCpu__Output } from '../../overlayscope/v1/ProcessCpu.js';
import type { ClassSamples as _overlayscope_v1_ClassSamples, ClassSamples__Output as _overlayscope_v1_ClassSamples__Output } from '../../overlayscope/v1/ClassSamples.js';
import type { EntryDepth as _overlayscope_v1_EntryDepth, EntryDepth__Output as _overlayscope_v1_EntryDepth__Output } from '../../overlayscope/v1/EntryDepth.js';
import type { Long } from '@grpc/proto-loader';

export interface Snapshot {
  'sessionId'?: (string);
  'seq'?: (number | string | Long);
  'at'?: (_google_protobuf_Timestamp | null);
  'seconds'?: (number | string);
  'cpus'?: (_overlayscope_v1_CpuUsage)[];
  'softirqs'?: (_overlayscope_v1_SoftirqRate)[];
  'devices'?: (_overlayscope_v1_DeviceRate)[];
  'probeCosts'?: (_overlayscope_v1_ProbeCost)[];
  'histograms'?: (_overlayscope_v1_Histogram)[];
  'counters'?: (_overlayscope_v1_Counter)[];
  'callDepth'?: (_overlayscope_v1_DepthBucket)[];
  'topFunctions'?: (_overlayscope_v1_FunctionShare)[];
  'events'?: (_overlayscope_v1_SessionEvent)[];
  'final'?: (boolean);
  'hardware'?: (_overlayscope_v1_HardwareSample | null);
  'processes'?: (_overlayscope_v1_ProcessCpu)[];
  'busySamples'?: (number | string | Long);
  'frameClasses'?: (_overlayscope_v1_ClassSamples)[];
  'entryDepth'?: (_overlayscope_v1_EntryDepth)[];
}

export interface Snapshot__Output {
  'sessionId': (string);
  'seq': (number);
  'at': (_google_protobuf_Timestamp__Output | null);
  'seconds': (number);
  'cpus': (_overlayscope_v1_CpuUsage__Output)[];
  'softirqs': (_overlayscope_v1_SoftirqRate__Output)[];
  'devices': (_overlayscope_v1_DeviceRate__Output)[];
  'probeCosts': (_overlayscope_v1_ProbeCost__Output)[];
  'histograms': (_overlayscope_v1_Histogram__Output)[];
  'counters': (_overlayscope_v1_Counter__Output)[];
  'callDepth': (_overlayscope_v1_DepthBucket__Output)[];
  'topFunctions': (_overlayscope_v1_FunctionShare__Output)[];
  'events': (_overlayscope_v1_SessionEvent__Output)[];
  'final': (boolean);
  'hardware': (_overlayscope_v1_HardwareSample__Output | null);
  'processes': (_overlayscope_v1_ProcessCpu__Output)[];
  'busySamples': (number);
  'frameClasses': (_overlayscope_v1_ClassSamples__Output)[];
  'entryDepth': (_overlayscope_v1_EntryDepth__Output)[];
}
