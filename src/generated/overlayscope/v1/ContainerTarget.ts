// Original file: proto/overlayscope/v1/profiler.proto


export interface ContainerTarget {
  'name'?: (string);
  'runtime'?: (string);
}

export interface ContainerTarget__Output {
  'name': (string);
  'runtime': (string);
}
