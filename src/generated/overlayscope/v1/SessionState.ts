// Original file: proto/overlayscope/v1/profiler.proto

export const SessionState = {
  SESSION_STATE_UNSPECIFIED: 'SESSION_STATE_UNSPECIFIED',
  SESSION_STATE_RUNNING: 'SESSION_STATE_RUNNING',
  SESSION_STATE_STOPPING: 'SESSION_STATE_STOPPING',
  SESSION_STATE_STOPPED: 'SESSION_STATE_STOPPED',
  SESSION_STATE_FAILED: 'SESSION_STATE_FAILED',
} as const;

export type SessionState =
  | 'SESSION_STATE_UNSPECIFIED'
  | 0
  | 'SESSION_STATE_RUNNING'
  | 1
  | 'SESSION_STATE_STOPPING'
  | 2
  | 'SESSION_STATE_STOPPED'
  | 3
  | 'SESSION_STATE_FAILED'
  | 4

export type SessionState__Output = typeof SessionState[keyof typeof SessionState]
