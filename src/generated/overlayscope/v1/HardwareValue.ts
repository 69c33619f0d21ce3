// Original file: proto/overlayscope/v1/profiler.proto


export interface HardwareValue {
  'cpu'?: (number);
  'event'?: (string);
  'value'?: (number | string);
  'counted'?: (boolean);
  'reason'?: (string);
}

export interface HardwareValue__Output {
  'cpu': (number);
  'event': (string);
  'value': (number);
  'counted': (boolean);
  'reason': (string);
}
