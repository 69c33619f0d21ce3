// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface CommandResult {
  'argv'?: (string)[];
  'pid'?: (number);
  'exitCode'?: (number);
  'startedAtMs'?: (number | string | Long);
  'endedAtMs'?: (number | string | Long);
  'output'?: (string);
}

export interface CommandResult__Output {
  'argv': (string)[];
  'pid': (number);
  'exitCode': (number);
  'startedAtMs': (number);
  'endedAtMs': (number);
  'output': (string);
}
