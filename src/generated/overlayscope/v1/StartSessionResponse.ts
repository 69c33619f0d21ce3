// Original file: proto/overlayscope/v1/profiler.proto

import type { Session as _overlayscope_v1_Session, Session__Output as _overlayscope_v1_Session__Output } from '../../overlayscope/v1/Session.js';

export interface StartSessionResponse {
  'session'?: (_overlayscope_v1_Session | null);
}

export interface StartSessionResponse__Output {
  'session': (_overlayscope_v1_Session__Output | null);
}
