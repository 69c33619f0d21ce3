// Original file: proto/overlayscope/v1/profiler.proto


export interface ListProbesRequest {
}

export interface ListProbesRequest__Output {
}
