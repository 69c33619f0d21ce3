// Original file: proto/overlayscope/v1/profiler.proto

import type { ProfileFormat as _overlayscope_v1_ProfileFormat, ProfileFormat__Output as _overlayscope_v1_ProfileFormat__Output } from '../../overlayscope/v1/ProfileFormat.js';

export interface Profile {
  'format'?: (_overlayscope_v1_ProfileFormat);
  'data'?: (Buffer | Uint8Array | string);
  'contentType'?: (string);
}

export interface Profile__Output {
  'format': (_overlayscope_v1_ProfileFormat__Output);
  'data': (Buffer);
  'contentType': (string);
}
