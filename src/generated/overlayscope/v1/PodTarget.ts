// Original file: proto/overlayscope/v1/profiler.proto


export interface PodTarget {
  'name'?: (string);
  'namespace'?: (string);
}

export interface PodTarget__Output {
  'name': (string);
  'namespace': (string);
}
