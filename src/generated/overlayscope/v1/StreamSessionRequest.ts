// Original file: proto/overlayscope/v1/profiler.proto


export interface StreamSessionRequest {
  'id'?: (string);
}

export interface StreamSessionRequest__Output {
  'id': (string);
}
