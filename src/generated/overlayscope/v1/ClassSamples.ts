// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface ClassSamples {
  'frameClasses'?: (string)[];
  'samples'?: (number | string | Long);
}

export interface ClassSamples__Output {
  'frameClasses': (string)[];
  'samples': (number);
}
