// Original file: proto/overlayscope/v1/profiler.proto

import type { Profile as _overlayscope_v1_Profile, Profile__Output as _overlayscope_v1_Profile__Output } from '../../overlayscope/v1/Profile.js';

export interface GetProfileResponse {
  'profile'?: (_overlayscope_v1_Profile | null);
}

export interface GetProfileResponse__Output {
  'profile': (_overlayscope_v1_Profile__Output | null);
}
