// Original file: proto/overlayscope/v1/profiler.proto


export interface GetRunRequest {
  'id'?: (string);
}

export interface GetRunRequest__Output {
  'id': (string);
}
