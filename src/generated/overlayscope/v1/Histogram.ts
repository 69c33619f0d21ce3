// Original file: proto/overlayscope/v1/profiler.proto

import type { HistogramBucket as _overlayscope_v1_HistogramBucket, HistogramBucket__Output as _overlayscope_v1_HistogramBucket__Output } from '../../overlayscope/v1/HistogramBucket.js';

export interface Histogram {
  'probe'?: (string);
  'metric'?: (string);
  'unit'?: (string);
  'buckets'?: (_overlayscope_v1_HistogramBucket)[];
  'attributes'?: ({[key: string]: string});
}

export interface Histogram__Output {
  'probe': (string);
  'metric': (string);
  'unit': (string);
  'buckets': (_overlayscope_v1_HistogramBucket__Output)[];
  'attributes': ({[key: string]: string});
}
