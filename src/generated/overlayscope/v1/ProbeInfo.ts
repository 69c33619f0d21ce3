// Original file: proto/overlayscope/v1/profiler.proto

import type { ProbeParam as _overlayscope_v1_ProbeParam, ProbeParam__Output as _overlayscope_v1_ProbeParam__Output } from '../../overlayscope/v1/ProbeParam.js';

export interface ProbeInfo {
  'name'?: (string);
  'purpose'?: (string);
  'costClass'?: (string);
  'default'?: (boolean);
  'variant'?: (string);
  'reason'?: (string);
  'params'?: (_overlayscope_v1_ProbeParam)[];
}

export interface ProbeInfo__Output {
  'name': (string);
  'purpose': (string);
  'costClass': (string);
  'default': (boolean);
  'variant': (string);
  'reason': (string);
  'params': (_overlayscope_v1_ProbeParam__Output)[];
}
