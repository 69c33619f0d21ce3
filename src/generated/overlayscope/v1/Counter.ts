// Original file: proto/overlayscope/v1/profiler.proto


export interface Counter {
  'probe'?: (string);
  'name'?: (string);
  'value'?: (number | string);
  'unit'?: (string);
}

export interface Counter__Output {
  'probe': (string);
  'name': (string);
  'value': (number);
  'unit': (string);
}
