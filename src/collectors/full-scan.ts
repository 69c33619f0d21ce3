/**
 * The collectors read some sources only where they expect change (busy processes, cgroups with a
 * quota) to keep an interval's cost flat on a crowded host. Every source they skip is still read
 * at least this often, so what they missed shows up within this many intervals.
 */
export const FULL_SCAN_EVERY = 10;
