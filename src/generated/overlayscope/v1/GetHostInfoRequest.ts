// Original file: proto/overlayscope/v1/profiler.proto


export interface GetHostInfoRequest {
}

export interface GetHostInfoRequest__Output {
}
