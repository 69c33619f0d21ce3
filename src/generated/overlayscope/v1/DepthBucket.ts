// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface DepthBucket {
  'depth'?: (number);
  'samples'?: (number | string | Long);
}

export interface DepthBucket__Output {
  'depth': (number);
  'samples': (number);
}
