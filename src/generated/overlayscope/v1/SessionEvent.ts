// Original file: proto/overlayscope/v1/profiler.proto


export interface SessionEvent {
  'code'?: (string);
  'message'?: (string);
}

export interface SessionEvent__Output {
  'code': (string);
  'message': (string);
}
