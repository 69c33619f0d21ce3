// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface NetnsTarget {
  'path'?: (string);
  'inode'?: (number | string | Long);
}

export interface NetnsTarget__Output {
  'path': (string);
  'inode': (number);
}
