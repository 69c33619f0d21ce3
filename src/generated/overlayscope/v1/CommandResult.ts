// Original file: proto/overlayscope/v1/profiler.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface CommandResult {
  'argv'?: (string)[];
  'pid'?: (number);
  'exitCode'?: (number);
  'startedAt'?: (_google_protobuf_Timestamp | null);
  'endedAt'?: (_google_protobuf_Timestamp | null);
  'output'?: (string);
  'launcherPid'?: (number);
  'errorOutput'?: (string);
}

export interface CommandResult__Output {
  'argv': (string)[];
  'pid': (number);
  'exitCode': (number);
  'startedAt': (_google_protobuf_Timestamp__Output | null);
  'endedAt': (_google_protobuf_Timestamp__Output | null);
  'output': (string);
  'launcherPid': (number);
  'errorOutput': (string);
}
