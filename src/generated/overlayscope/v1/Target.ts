// Original file: proto/overlayscope/v1/profiler.proto

import type { HostTarget as _overlayscope_v1_HostTarget, HostTarget__Output as _overlayscope_v1_HostTarget__Output } from '../../overlayscope/v1/HostTarget.js';
import type { NetnsTarget as _overlayscope_v1_NetnsTarget, NetnsTarget__Output as _overlayscope_v1_NetnsTarget__Output } from '../../overlayscope/v1/NetnsTarget.js';
import type { Command as _overlayscope_v1_Command, Command__Output as _overlayscope_v1_Command__Output } from '../../overlayscope/v1/Command.js';

export interface Target {
  'host'?: (_overlayscope_v1_HostTarget | null);
  'pid'?: (number);
  'cgroupPath'?: (string);
  'netns'?: (_overlayscope_v1_NetnsTarget | null);
  'command'?: (_overlayscope_v1_Command | null);
  'kind'?: "host"|"pid"|"cgroupPath"|"netns"|"command";
}

export interface Target__Output {
  'host'?: (_overlayscope_v1_HostTarget__Output | null);
  'pid'?: (number);
  'cgroupPath'?: (string);
  'netns'?: (_overlayscope_v1_NetnsTarget__Output | null);
  'command'?: (_overlayscope_v1_Command__Output | null);
  'kind'?: "host"|"pid"|"cgroupPath"|"netns"|"command";
}
