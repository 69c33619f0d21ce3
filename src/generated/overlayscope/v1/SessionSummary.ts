// Original file: proto/overlayscope/v1/profiler.proto

import type { Session as _overlayscope_v1_Session, Session__Output as _overlayscope_v1_Session__Output } from '../../overlayscope/v1/Session.js';
import type { FunctionShare as _overlayscope_v1_FunctionShare, FunctionShare__Output as _overlayscope_v1_FunctionShare__Output } from '../../overlayscope/v1/FunctionShare.js';
import type { ProbeCost as _overlayscope_v1_ProbeCost, ProbeCost__Output as _overlayscope_v1_ProbeCost__Output } from '../../overlayscope/v1/ProbeCost.js';
import type { Long } from '@grpc/proto-loader';

export interface SessionSummary {
  'session'?: (_overlayscope_v1_Session | null);
  'durationSeconds'?: (number | string);
  'stackSamples'?: (number | string | Long);
  'topFunctions'?: (_overlayscope_v1_FunctionShare)[];
  'probeCosts'?: (_overlayscope_v1_ProbeCost)[];
}

export interface SessionSummary__Output {
  'session': (_overlayscope_v1_Session__Output | null);
  'durationSeconds': (number);
  'stackSamples': (number);
  'topFunctions': (_overlayscope_v1_FunctionShare__Output)[];
  'probeCosts': (_overlayscope_v1_ProbeCost__Output)[];
}
