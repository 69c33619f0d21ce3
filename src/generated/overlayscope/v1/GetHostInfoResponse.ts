// Original file: proto/overlayscope/v1/profiler.proto

import type { HostInfo as _overlayscope_v1_HostInfo, HostInfo__Output as _overlayscope_v1_HostInfo__Output } from '../../overlayscope/v1/HostInfo.js';

export interface GetHostInfoResponse {
  'host'?: (_overlayscope_v1_HostInfo | null);
}

export interface GetHostInfoResponse__Output {
  'host': (_overlayscope_v1_HostInfo__Output | null);
}
