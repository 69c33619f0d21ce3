import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import protobuf from "protobufjs";
import { z } from "zod";
import { IntervalSchema } from "../../src/session/interval-model.js";

const root = protobuf.loadSync(
  join(import.meta.dirname, "..", "..", "proto", "overlayscope", "v1", "profiler.proto"),
);
root.resolveAll();

/** proto3 scalar types → the zod type the JSON mapping gives them. */
function scalarKind(protoType: string): string {
  if (
    [
      "double",
      "float",
      "int32",
      "uint32",
      "sint32",
      "int64",
      "uint64",
      "sint64",
      "fixed32",
      "fixed64",
    ].includes(protoType)
  )
    return "number";
  if (protoType === "bool") return "boolean";
  if (protoType === "string" || protoType === "bytes") return "string";
  return "message";
}

function unwrap(t: z.ZodType): z.ZodType {
  let cur = t;
  for (;;) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable)
      cur = cur.unwrap() as z.ZodType;
    else return cur;
  }
}

/** A Timestamp on the wire is epoch milliseconds in the model, named with an `Ms` suffix. */
const isTimestamp = (f: protobuf.Field): boolean => f.resolvedType?.fullName === ".google.protobuf.Timestamp";
const modelName = (f: protobuf.Field): string => (isTimestamp(f) ? `${f.name}Ms` : f.name);

/** Walks a message and a zod object together; every difference is reported with its path. */
function compare(msg: protobuf.Type, schema: z.ZodObject, path: string, problems: string[]): void {
  const zodKeys = Object.keys(schema.shape);
  const protoFields = msg.fieldsArray.filter((f) => !(msg.name === "Snapshot" && f.name === "sessionId"));
  for (const k of zodKeys)
    if (!protoFields.some((f) => modelName(f) === k))
      problems.push(`${path}.${k}: in the zod schema, not in ${msg.name}`);
  for (const f of protoFields) {
    const zt = schema.shape[modelName(f)] as z.ZodType | undefined;
    if (!zt) {
      problems.push(`${path}.${f.name}: in ${msg.name}, not in the zod schema`);
      continue;
    }
    if (isTimestamp(f)) {
      if (!(unwrap(zt) instanceof z.ZodNumber))
        problems.push(`${path}.${f.name}: a Timestamp in proto, not epoch milliseconds in zod`);
      continue;
    }
    let inner = unwrap(zt);
    if (f.map) {
      if (!(inner instanceof z.ZodRecord))
        problems.push(`${path}.${f.name}: a map in proto, not a record in zod`);
      continue;
    }
    if (f.repeated) {
      if (!(inner instanceof z.ZodArray)) {
        problems.push(`${path}.${f.name}: repeated in proto, not an array in zod`);
        continue;
      }
      inner = unwrap(inner.element as z.ZodType);
    }
    const kind = scalarKind(f.type);
    if (kind === "message") {
      if (!(inner instanceof z.ZodObject))
        problems.push(`${path}.${f.name}: a message in proto, not an object in zod`);
      else compare(f.resolvedType as protobuf.Type, inner, `${path}.${f.name}`, problems);
    } else if (
      (kind === "number" && !(inner instanceof z.ZodNumber)) ||
      (kind === "boolean" && !(inner instanceof z.ZodBoolean)) ||
      (kind === "string" && !(inner instanceof z.ZodString))
    )
      problems.push(`${path}.${f.name}: ${f.type} in proto, another type in zod`);
  }
}

test("the Snapshot message and the interval model agree field by field (names, types, repetition, maps)", () => {
  const problems: string[] = [];
  compare(root.lookupType("overlayscope.v1.Snapshot"), IntervalSchema, "Snapshot", problems);
  assert.deepEqual(problems, []);
});

test("the comparison notices drift: a zod field the proto lacks is reported", () => {
  const problems: string[] = [];
  compare(
    root.lookupType("overlayscope.v1.Snapshot"),
    IntervalSchema.extend({ extra: z.number() }),
    "Snapshot",
    problems,
  );
  assert.deepEqual(problems, ["Snapshot.extra: in the zod schema, not in Snapshot"]);
});
