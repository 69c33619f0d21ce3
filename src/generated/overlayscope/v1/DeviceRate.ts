// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface DeviceRate {
  'netns'?: (number | string | Long);
  'netnsName'?: (string);
  'device'?: (string);
  'rxPacketsPerSecond'?: (number | string);
  'txPacketsPerSecond'?: (number | string);
  'rxBitsPerSecond'?: (number | string);
  'txBitsPerSecond'?: (number | string);
  'dropsPerSecond'?: (number | string);
}

export interface DeviceRate__Output {
  'netns': (number);
  'netnsName': (string);
  'device': (string);
  'rxPacketsPerSecond': (number);
  'txPacketsPerSecond': (number);
  'rxBitsPerSecond': (number);
  'txBitsPerSecond': (number);
  'dropsPerSecond': (number);
}
