// Original file: proto/overlayscope/v1/profiler.proto


export interface CpuUsage {
  'cpu'?: (number);
  'usr'?: (number | string);
  'nice'?: (number | string);
  'sys'?: (number | string);
  'iowait'?: (number | string);
  'irq'?: (number | string);
  'softirq'?: (number | string);
  'steal'?: (number | string);
  'idle'?: (number | string);
}

export interface CpuUsage__Output {
  'cpu': (number);
  'usr': (number);
  'nice': (number);
  'sys': (number);
  'iowait': (number);
  'irq': (number);
  'softirq': (number);
  'steal': (number);
  'idle': (number);
}
