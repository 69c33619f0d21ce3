// Original file: proto/overlayscope/v1/profiler.proto


export interface HostTarget {
}

export interface HostTarget__Output {
}
