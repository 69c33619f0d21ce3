import { gzipSync } from "node:zlib";
import {
  Function as PFunction,
  Label,
  Line,
  Location,
  Mapping,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import type { StackProfile } from "../profile/stack-profile.js";

/**
 * pprof (profile.proto, gzipped): kernel and user frames as functions (file "[kernel]"/"[user]"), two sample types (samples/count and
 * cpu/nanoseconds = samples × 1e9/hz), labels cpu, pid, comm and context. `startMs`: when recording
 * began (the profile's time), else now.
 *
 * User locations keep the sampled address and the mapped file it lies in (memory range, file
 * offset, build id) whenever the daemon saw one, so pprof-reading tools can re-symbolise them.
 *
 * Numeric labels carry a unit (pprof drops a numeric label of 0 without one, so `-tagfocus=cpu=0`
 * matched nothing), and the kernel is the main mapping (else pprof says "Main binary filename not
 * available" and titles its web UI "unknown").
 */
export function toPprof(p: StackProfile, opts: { startMs?: number } = {}): Uint8Array {
  const st = new StringTable();
  const mappings = {
    "[kernel]": new Mapping({ id: 1, filename: st.dedup("[kernel.kallsyms]"), hasFunctions: true }),
    "[user]": new Mapping({ id: 2, filename: st.dedup("[user]"), hasFunctions: true }),
  };
  // Each mapped file user frames lie in, with its address range and build id: a tool can
  // re-symbolise the user locations' addresses from them (e.g. with debug info we did not have).
  const objectMappings = (p.objects ?? []).map(
    (o, i) =>
      new Mapping({
        id: 3 + i,
        memoryStart: o.start,
        memoryLimit: o.limit,
        fileOffset: o.offset,
        filename: st.dedup(o.path),
        buildId: st.dedup(o.buildId),
        hasFunctions: true,
      }),
  );
  const functions = new Map<string, PFunction>();
  const locations = new Map<string, Location>();
  // Kernel and user functions may share a name (e.g. "write"); they are different functions.
  const location = (fn: string, space: "[kernel]" | "[user]", address = 0, object = -1): Location => {
    const k = `${space}${fn}\u0000${address}\u0000${object}`;
    let loc = locations.get(k);
    if (!loc) {
      const fk = `${space}${fn}`;
      let f = functions.get(fk);
      if (!f) {
        f = new PFunction({
          id: functions.size + 1,
          name: st.dedup(fn),
          systemName: st.dedup(fn),
          filename: st.dedup(space),
        });
        functions.set(fk, f);
      }
      loc = new Location({
        id: locations.size + 1,
        mappingId: objectMappings[object]?.id ?? mappings[space].id,
        address,
        line: [new Line({ functionId: f.id })],
      });
      locations.set(k, loc);
    }
    return loc;
  };
  const periodNs = Math.round(1e9 / p.hz);
  const samples = p.stacks.map(
    (s) =>
      new Sample({
        // pprof lists the leaf first, as our frames are; user frames sit above the kernel's.
        locationId: [
          ...(s.frames.length || s.userFrames.length
            ? s.frames
            : [`[${s.context} without kernel frames]`]
          ).map((f) => location(f, "[kernel]").id),
          ...s.userFrames.map(
            (f, i) => location(f, "[user]", s.userAddresses?.[i] ?? 0, s.userObjects?.[i] ?? -1).id,
          ),
        ],
        value: [s.samples, s.samples * periodNs],
        label: [
          new Label({ key: st.dedup("cpu"), num: s.cpu, numUnit: st.dedup("cpu") }),
          new Label({ key: st.dedup("pid"), num: s.pid, numUnit: st.dedup("pid") }),
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
    mapping: [...Object.values(mappings), ...objectMappings],
    location: [...locations.values()],
    function: [...functions.values()],
    stringTable: st,
    periodType: new ValueType({ type: st.dedup("cpu"), unit: st.dedup("nanoseconds") }),
    period: periodNs,
    durationNanos: Math.round(p.durationSeconds * 1e9),
    timeNanos: Math.round((opts.startMs ?? Date.now()) * 1e6),
  });
  return gzipSync(profile.encode());
}
