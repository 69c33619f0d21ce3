// Original file: proto/overlayscope/v1/profiler.proto

import type { SnapshotView as _overlayscope_v1_SnapshotView, SnapshotView__Output as _overlayscope_v1_SnapshotView__Output } from '../../overlayscope/v1/SnapshotView.js';

export interface StreamSessionRequest {
  'id'?: (string);
  'view'?: (_overlayscope_v1_SnapshotView);
}

export interface StreamSessionRequest__Output {
  'id': (string);
  'view': (_overlayscope_v1_SnapshotView__Output);
}
