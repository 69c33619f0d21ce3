// Original file: proto/overlayscope/v1/profiler.proto

import type { SessionState as _overlayscope_v1_SessionState, SessionState__Output as _overlayscope_v1_SessionState__Output } from '../../overlayscope/v1/SessionState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { ActiveProbe as _overlayscope_v1_ActiveProbe, ActiveProbe__Output as _overlayscope_v1_ActiveProbe__Output } from '../../overlayscope/v1/ActiveProbe.js';
import type { Long } from '@grpc/proto-loader';

export interface Session {
  'id'?: (string);
  'state'?: (_overlayscope_v1_SessionState);
  'target'?: (string);
  'startedAt'?: (_google_protobuf_Timestamp | null);
  'stoppedAt'?: (_google_protobuf_Timestamp | null);
  'interval'?: (_google_protobuf_Duration | null);
  'probes'?: (_overlayscope_v1_ActiveProbe)[];
  'snapshots'?: (number | string | Long);
  'label'?: (string);
  'error'?: (string);
  'commandPid'?: (number);
  'commandExitCode'?: (number);
  'watchers'?: (number);
  'groupId'?: (string);
}

export interface Session__Output {
  'id': (string);
  'state': (_overlayscope_v1_SessionState__Output);
  'target': (string);
  'startedAt': (_google_protobuf_Timestamp__Output | null);
  'stoppedAt': (_google_protobuf_Timestamp__Output | null);
  'interval': (_google_protobuf_Duration__Output | null);
  'probes': (_overlayscope_v1_ActiveProbe__Output)[];
  'snapshots': (number);
  'label': (string);
  'error': (string);
  'commandPid': (number);
  'commandExitCode': (number);
  'watchers': (number);
  'groupId': (string);
}
