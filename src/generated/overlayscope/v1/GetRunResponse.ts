// Original file: proto/overlayscope/v1/profiler.proto

import type { Run as _overlayscope_v1_Run, Run__Output as _overlayscope_v1_Run__Output } from '../../overlayscope/v1/Run.js';

export interface GetRunResponse {
  'run'?: (_overlayscope_v1_Run | null);
}

export interface GetRunResponse__Output {
  'run': (_overlayscope_v1_Run__Output | null);
}
