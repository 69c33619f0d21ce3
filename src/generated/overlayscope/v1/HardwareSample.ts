// Original file: proto/overlayscope/v1/profiler.proto

import type { HardwareValue as _overlayscope_v1_HardwareValue, HardwareValue__Output as _overlayscope_v1_HardwareValue__Output } from '../../overlayscope/v1/HardwareValue.js';

export interface HardwareSample {
  'supported'?: (boolean);
  'reason'?: (string);
  'values'?: (_overlayscope_v1_HardwareValue)[];
  'memorySupported'?: (boolean);
  'memoryReason'?: (string);
  'memoryReadBytes'?: (number | string);
  'memoryWriteBytes'?: (number | string);
  'memoryCombined'?: (boolean);
}

export interface HardwareSample__Output {
  'supported': (boolean);
  'reason': (string);
  'values': (_overlayscope_v1_HardwareValue__Output)[];
  'memorySupported': (boolean);
  'memoryReason': (string);
  'memoryReadBytes': (number);
  'memoryWriteBytes': (number);
  'memoryCombined': (boolean);
}
