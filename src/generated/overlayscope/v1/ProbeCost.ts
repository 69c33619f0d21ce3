// Original file: proto/overlayscope/v1/profiler.proto


export interface ProbeCost {
  'probe'?: (string);
  'variant'?: (string);
  'eventsPerSecond'?: (number | string);
  'runNsPerEvent'?: (number | string);
  'dispatchNsPerEvent'?: (number | string);
  'cpuPercent'?: (number | string);
}

export interface ProbeCost__Output {
  'probe': (string);
  'variant': (string);
  'eventsPerSecond': (number);
  'runNsPerEvent': (number);
  'dispatchNsPerEvent': (number);
  'cpuPercent': (number);
}
