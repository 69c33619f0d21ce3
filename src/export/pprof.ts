import { gzipSync } from "node:zlib";
import {
  Function as PFunction,
  Label,
  Line,
  Location,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import type { StackProfile } from "../profile/stack-profile.js";

/**
 * pprof (profile.proto, gzipped): kernel frames as functions, two sample types (samples/count and
 * cpu/nanoseconds = samples × 1e9/hz), labels cpu, pid, comm and context.
 */
export function toPprof(p: StackProfile): Uint8Array {
  const st = new StringTable();
  const functions = new Map<string, PFunction>();
  const locations = new Map<string, Location>();
  const location = (fn: string): Location => {
    let loc = locations.get(fn);
    if (!loc) {
      let f = functions.get(fn);
      if (!f) {
        f = new PFunction({
          id: functions.size + 1,
          name: st.dedup(fn),
          systemName: st.dedup(fn),
          filename: st.dedup("[kernel]"),
        });
        functions.set(fn, f);
      }
      loc = new Location({ id: locations.size + 1, line: [new Line({ functionId: f.id })] });
      locations.set(fn, loc);
    }
    return loc;
  };
  const periodNs = Math.round(1e9 / p.hz);
  const samples = p.stacks.map(
    (s) =>
      new Sample({
        // pprof lists the leaf first, as our frames are.
        locationId: (s.frames.length ? s.frames : [`[${s.context} without kernel frames]`]).map(
          (f) => location(f).id,
        ),
        value: [s.samples, s.samples * periodNs],
        label: [
          new Label({ key: st.dedup("cpu"), num: s.cpu }),
          new Label({ key: st.dedup("pid"), num: s.pid }),
          new Label({ key: st.dedup("comm"), str: st.dedup(s.comm) }),
          new Label({ key: st.dedup("context"), str: st.dedup(s.context) }),
        ],
      }),
  );
  const profile = new Profile({
    sampleType: [
      new ValueType({ type: st.dedup("samples"), unit: st.dedup("count") }),
      new ValueType({ type: st.dedup("cpu"), unit: st.dedup("nanoseconds") }),
    ],
    sample: samples,
    location: [...locations.values()],
    function: [...functions.values()],
    stringTable: st,
    periodType: new ValueType({ type: st.dedup("cpu"), unit: st.dedup("nanoseconds") }),
    period: periodNs,
    durationNanos: Math.round(p.durationSeconds * 1e9),
    timeNanos: Date.now() * 1e6,
  });
  return gzipSync(profile.encode());
}
