// Original file: proto/overlayscope/v1/profiler.proto


export interface Counter {
  'probe'?: (string);
  'metric'?: (string);
  'value'?: (number | string);
  'unit'?: (string);
  'attributes'?: ({[key: string]: string});
}

export interface Counter__Output {
  'probe': (string);
  'metric': (string);
  'value': (number);
  'unit': (string);
  'attributes': ({[key: string]: string});
}
