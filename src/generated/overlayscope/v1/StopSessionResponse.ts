// Original file: proto/overlayscope/v1/profiler.proto

import type { SessionSummary as _overlayscope_v1_SessionSummary, SessionSummary__Output as _overlayscope_v1_SessionSummary__Output } from '../../overlayscope/v1/SessionSummary.js';

export interface StopSessionResponse {
  'summary'?: (_overlayscope_v1_SessionSummary | null);
}

export interface StopSessionResponse__Output {
  'summary': (_overlayscope_v1_SessionSummary__Output | null);
}
