// Original file: proto/overlayscope/v1/profiler.proto


export interface CollectorInfo {
  'name'?: (string);
  'supported'?: (boolean);
  'reason'?: (string);
}

export interface CollectorInfo__Output {
  'name': (string);
  'supported': (boolean);
  'reason': (string);
}
