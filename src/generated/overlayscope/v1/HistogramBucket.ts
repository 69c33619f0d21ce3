// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface HistogramBucket {
  'min'?: (number | string | Long);
  'max'?: (number | string | Long);
  'count'?: (number | string | Long);
}

export interface HistogramBucket__Output {
  'min': (number);
  'max': (number);
  'count': (number);
}
