// Original file: proto/overlayscope/v1/profiler.proto


export interface Run {
  'schema'?: (string);
  'json'?: (Buffer | Uint8Array | string);
}

export interface Run__Output {
  'schema': (string);
  'json': (Buffer);
}
