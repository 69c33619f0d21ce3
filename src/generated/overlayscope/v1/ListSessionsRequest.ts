// Original file: proto/overlayscope/v1/profiler.proto


export interface ListSessionsRequest {
}

export interface ListSessionsRequest__Output {
}
