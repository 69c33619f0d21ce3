// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface EntryDepth {
  'entry'?: (string);
  'samples'?: (number | string | Long);
  'meanFrames'?: (number | string);
}

export interface EntryDepth__Output {
  'entry': (string);
  'samples': (number);
  'meanFrames': (number);
}
