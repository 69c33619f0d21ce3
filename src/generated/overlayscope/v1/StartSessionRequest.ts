// Original file: proto/overlayscope/v1/profiler.proto

import type { Target as _overlayscope_v1_Target, Target__Output as _overlayscope_v1_Target__Output } from '../../overlayscope/v1/Target.js';
import type { ProbeSpec as _overlayscope_v1_ProbeSpec, ProbeSpec__Output as _overlayscope_v1_ProbeSpec__Output } from '../../overlayscope/v1/ProbeSpec.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

export interface StartSessionRequest {
  'target'?: (_overlayscope_v1_Target | null);
  'probes'?: (_overlayscope_v1_ProbeSpec)[];
  'defaultProbes'?: (boolean);
  'interval'?: (_google_protobuf_Duration | null);
  'stackHz'?: (number);
  'duration'?: (_google_protobuf_Duration | null);
  'detached'?: (boolean);
  'hardwareCounters'?: (boolean);
  'label'?: (string);
  'groupId'?: (string);
}

export interface StartSessionRequest__Output {
  'target': (_overlayscope_v1_Target__Output | null);
  'probes': (_overlayscope_v1_ProbeSpec__Output)[];
  'defaultProbes': (boolean);
  'interval': (_google_protobuf_Duration__Output | null);
  'stackHz': (number);
  'duration': (_google_protobuf_Duration__Output | null);
  'detached': (boolean);
  'hardwareCounters': (boolean);
  'label': (string);
  'groupId': (string);
}
