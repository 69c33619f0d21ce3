// Original file: proto/overlayscope/v1/profiler.proto

import type { CommandResult as _overlayscope_v1_CommandResult, CommandResult__Output as _overlayscope_v1_CommandResult__Output } from '../../overlayscope/v1/CommandResult.js';

export interface StopSessionRequest {
  'id'?: (string);
  'command'?: (_overlayscope_v1_CommandResult | null);
}

export interface StopSessionRequest__Output {
  'id': (string);
  'command': (_overlayscope_v1_CommandResult__Output | null);
}
