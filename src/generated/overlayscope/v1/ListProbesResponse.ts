// Original file: proto/overlayscope/v1/profiler.proto

import type { ProbeInfo as _overlayscope_v1_ProbeInfo, ProbeInfo__Output as _overlayscope_v1_ProbeInfo__Output } from '../../overlayscope/v1/ProbeInfo.js';

export interface ListProbesResponse {
  'probes'?: (_overlayscope_v1_ProbeInfo)[];
}

export interface ListProbesResponse__Output {
  'probes': (_overlayscope_v1_ProbeInfo__Output)[];
}
