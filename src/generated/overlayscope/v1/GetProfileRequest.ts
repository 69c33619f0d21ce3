// Original file: proto/overlayscope/v1/profiler.proto

import type { ProfileFormat as _overlayscope_v1_ProfileFormat, ProfileFormat__Output as _overlayscope_v1_ProfileFormat__Output } from '../../overlayscope/v1/ProfileFormat.js';

export interface GetProfileRequest {
  'id'?: (string);
  'format'?: (_overlayscope_v1_ProfileFormat);
}

export interface GetProfileRequest__Output {
  'id': (string);
  'format': (_overlayscope_v1_ProfileFormat__Output);
}
