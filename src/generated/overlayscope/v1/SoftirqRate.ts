// Original file: proto/overlayscope/v1/profiler.proto


export interface SoftirqRate {
  'cpu'?: (number);
  'vector'?: (string);
  'perSecond'?: (number | string);
  'probePerSecond'?: (number | string);
  'probeTimeNsPerSecond'?: (number | string);
}

export interface SoftirqRate__Output {
  'cpu': (number);
  'vector': (string);
  'perSecond': (number);
  'probePerSecond': (number);
  'probeTimeNsPerSecond': (number);
}
