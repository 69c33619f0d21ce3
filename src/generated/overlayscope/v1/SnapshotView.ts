// Original file: proto/overlayscope/v1/profiler.proto

export const SnapshotView = {
  SNAPSHOT_VIEW_UNSPECIFIED: 'SNAPSHOT_VIEW_UNSPECIFIED',
  SNAPSHOT_VIEW_FULL: 'SNAPSHOT_VIEW_FULL',
  SNAPSHOT_VIEW_PROGRESS: 'SNAPSHOT_VIEW_PROGRESS',
} as const;

export type SnapshotView =
  | 'SNAPSHOT_VIEW_UNSPECIFIED'
  | 0
  | 'SNAPSHOT_VIEW_FULL'
  | 1
  | 'SNAPSHOT_VIEW_PROGRESS'
  | 2

export type SnapshotView__Output = typeof SnapshotView[keyof typeof SnapshotView]
