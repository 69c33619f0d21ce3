// Original file: proto/overlayscope/v1/profiler.proto

import type { ProbeInfo as _overlayscope_v1_ProbeInfo, ProbeInfo__Output as _overlayscope_v1_ProbeInfo__Output } from '../../overlayscope/v1/ProbeInfo.js';
import type { CollectorInfo as _overlayscope_v1_CollectorInfo, CollectorInfo__Output as _overlayscope_v1_CollectorInfo__Output } from '../../overlayscope/v1/CollectorInfo.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface HostInfo {
  'hostname'?: (string);
  'kernel'?: (string);
  'bpftraceVersion'?: (string);
  'cpus'?: (number);
  'probes'?: (_overlayscope_v1_ProbeInfo)[];
  'collectors'?: (_overlayscope_v1_CollectorInfo)[];
  'daemonVersion'?: (string);
  'cpuModel'?: (string);
  'os'?: (string);
  'numaNodes'?: (number);
  'memoryBytes'?: (number | string | Long);
  'physicalCores'?: (number);
  'now'?: (_google_protobuf_Timestamp | null);
  'hostNetns'?: (string)[];
}

export interface HostInfo__Output {
  'hostname': (string);
  'kernel': (string);
  'bpftraceVersion': (string);
  'cpus': (number);
  'probes': (_overlayscope_v1_ProbeInfo__Output)[];
  'collectors': (_overlayscope_v1_CollectorInfo__Output)[];
  'daemonVersion': (string);
  'cpuModel': (string);
  'os': (string);
  'numaNodes': (number);
  'memoryBytes': (number);
  'physicalCores': (number);
  'now': (_google_protobuf_Timestamp__Output | null);
  'hostNetns': (string)[];
}
