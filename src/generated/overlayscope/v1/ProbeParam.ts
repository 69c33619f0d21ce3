// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface ProbeParam {
  'name'?: (string);
  'type'?: (string);
  'defaultValue'?: (string);
  'min'?: (number | string | Long);
  'max'?: (number | string | Long);
  'description'?: (string);
}

export interface ProbeParam__Output {
  'name': (string);
  'type': (string);
  'defaultValue': (string);
  'min': (number);
  'max': (number);
  'description': (string);
}
