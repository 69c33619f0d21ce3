// Original file: proto/overlayscope/v1/profiler.proto


export interface StopSessionRequest {
  'id'?: (string);
}

export interface StopSessionRequest__Output {
  'id': (string);
}
