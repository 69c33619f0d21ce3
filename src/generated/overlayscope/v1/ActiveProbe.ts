// Original file: proto/overlayscope/v1/profiler.proto


export interface ActiveProbe {
  'name'?: (string);
  'variant'?: (string);
  'costClass'?: (string);
  'running'?: (boolean);
  'error'?: (string);
}

export interface ActiveProbe__Output {
  'name': (string);
  'variant': (string);
  'costClass': (string);
  'running': (boolean);
  'error': (string);
}
