// Original file: proto/overlayscope/v1/profiler.proto


export interface GetSessionRequest {
  'id'?: (string);
}

export interface GetSessionRequest__Output {
  'id': (string);
}
