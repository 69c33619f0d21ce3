// Original file: proto/overlayscope/v1/profiler.proto


export interface ProbeSpec {
  'name'?: (string);
  'params'?: ({[key: string]: string});
}

export interface ProbeSpec__Output {
  'name': (string);
  'params': ({[key: string]: string});
}
