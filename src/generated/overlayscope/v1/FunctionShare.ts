// Original file: proto/overlayscope/v1/profiler.proto


export interface FunctionShare {
  'function'?: (string);
  'share'?: (number | string);
}

export interface FunctionShare__Output {
  'function': (string);
  'share': (number);
}
