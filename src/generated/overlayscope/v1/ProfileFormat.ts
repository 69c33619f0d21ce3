// Original file: proto/overlayscope/v1/profiler.proto

export const ProfileFormat = {
  PROFILE_FORMAT_UNSPECIFIED: 'PROFILE_FORMAT_UNSPECIFIED',
  PROFILE_FORMAT_PPROF: 'PROFILE_FORMAT_PPROF',
  PROFILE_FORMAT_FOLDED: 'PROFILE_FORMAT_FOLDED',
  PROFILE_FORMAT_JSON: 'PROFILE_FORMAT_JSON',
} as const;

export type ProfileFormat =
  | 'PROFILE_FORMAT_UNSPECIFIED'
  | 0
  | 'PROFILE_FORMAT_PPROF'
  | 1
  | 'PROFILE_FORMAT_FOLDED'
  | 2
  | 'PROFILE_FORMAT_JSON'
  | 3

export type ProfileFormat__Output = typeof ProfileFormat[keyof typeof ProfileFormat]
