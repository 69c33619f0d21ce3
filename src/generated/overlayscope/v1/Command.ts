// Original file: proto/overlayscope/v1/profiler.proto


export interface Command {
  'argv'?: (string)[];
  'netns'?: (string);
}

export interface Command__Output {
  'argv': (string)[];
  'netns': (string);
}
