// Original file: proto/overlayscope/v1/profiler.proto

import type { Long } from '@grpc/proto-loader';

export interface ProcessCpu {
  'pid'?: (number);
  'comm'?: (string);
  'netns'?: (number | string | Long);
  'netnsName'?: (string);
  'cgroup'?: (string);
  'cpuSeconds'?: (number | string);
  'ppid'?: (number);
  'cpuCgroup'?: (string);
  'allowedCpus'?: (number)[];
}

export interface ProcessCpu__Output {
  'pid': (number);
  'comm': (string);
  'netns': (number);
  'netnsName': (string);
  'cgroup': (string);
  'cpuSeconds': (number);
  'ppid': (number);
  'cpuCgroup': (string);
  'allowedCpus': (number)[];
}
