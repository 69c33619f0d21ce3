// Original file: proto/overlayscope/v1/profiler.proto

import type { HostTarget as _overlayscope_v1_HostTarget, HostTarget__Output as _overlayscope_v1_HostTarget__Output } from '../../overlayscope/v1/HostTarget.js';
import type { NetnsTarget as _overlayscope_v1_NetnsTarget, NetnsTarget__Output as _overlayscope_v1_NetnsTarget__Output } from '../../overlayscope/v1/NetnsTarget.js';
import type { Command as _overlayscope_v1_Command, Command__Output as _overlayscope_v1_Command__Output } from '../../overlayscope/v1/Command.js';
import type { ContainerTarget as _overlayscope_v1_ContainerTarget, ContainerTarget__Output as _overlayscope_v1_ContainerTarget__Output } from '../../overlayscope/v1/ContainerTarget.js';
import type { PodTarget as _overlayscope_v1_PodTarget, PodTarget__Output as _overlayscope_v1_PodTarget__Output } from '../../overlayscope/v1/PodTarget.js';

export interface Target {
  'host'?: (_overlayscope_v1_HostTarget | null);
  'pid'?: (number);
  'cgroupPath'?: (string);
  'netns'?: (_overlayscope_v1_NetnsTarget | null);
  'command'?: (_overlayscope_v1_Command | null);
  'container'?: (_overlayscope_v1_ContainerTarget | null);
  'pod'?: (_overlayscope_v1_PodTarget | null);
  'kind'?: "host"|"pid"|"cgroupPath"|"netns"|"command"|"container"|"pod";
}

export interface Target__Output {
  'host'?: (_overlayscope_v1_HostTarget__Output | null);
  'pid'?: (number);
  'cgroupPath'?: (string);
  'netns'?: (_overlayscope_v1_NetnsTarget__Output | null);
  'command'?: (_overlayscope_v1_Command__Output | null);
  'container'?: (_overlayscope_v1_ContainerTarget__Output | null);
  'pod'?: (_overlayscope_v1_PodTarget__Output | null);
  'kind'?: "host"|"pid"|"cgroupPath"|"netns"|"command"|"container"|"pod";
}
