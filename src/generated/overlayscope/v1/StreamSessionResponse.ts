// Original file: proto/overlayscope/v1/profiler.proto

import type { Snapshot as _overlayscope_v1_Snapshot, Snapshot__Output as _overlayscope_v1_Snapshot__Output } from '../../overlayscope/v1/Snapshot.js';

export interface StreamSessionResponse {
  'snapshot'?: (_overlayscope_v1_Snapshot | null);
}

export interface StreamSessionResponse__Output {
  'snapshot': (_overlayscope_v1_Snapshot__Output | null);
}
