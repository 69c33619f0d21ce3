import { existsSync } from "node:fs";
import { clientText, invalidArgument } from "../util/errors.js";
import type { Manifest, ParamSpec } from "./manifest.js";

/** Linux interface names: at most 15 bytes, no '/', ':' or white space; we also refuse quotes. */
export const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
/** Kernel symbols as they appear in kallsyms (`.constprop.0`, `.isra.0` suffixes included). */
export const KSYM = /^[A-Za-z_][A-Za-z0-9_.]{0,127}$/;

export type ParamValue = number | boolean | string;
export type ParamValues = Record<string, ParamValue>;

export interface ParamContext {
  /** Symbol lookup (kallsyms); absent means "do not check existence". */
  hasSymbol?: (name: string) => boolean;
  /** Device lookup; by default /sys/class/net of our own namespace. */
  hasDevice?: (name: string) => boolean;
}

function checkOne(spec: ParamSpec, value: unknown, field: string, ctx: ParamContext): ParamValue {
  switch (spec.type) {
    case "int": {
      const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n))
        throw invalidArgument(field, `must be an integer, got ${clientText(String(value))}`);
      if (n < spec.min || n > spec.max)
        throw invalidArgument(field, `must be ${spec.min}..${spec.max}, got ${n}`);
      return n;
    }
    case "bool":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      throw invalidArgument(field, `must be true or false, got ${clientText(String(value))}`);
    case "enum":
      if (typeof value !== "string" || !spec.choices.includes(value)) {
        throw invalidArgument(
          field,
          `must be one of ${spec.choices.join(", ")}, got ${clientText(String(value))}`,
        );
      }
      return value;
    case "ifname": {
      if (typeof value !== "string" || !IFNAME.test(value)) {
        throw invalidArgument(
          field,
          `must be an interface name (${IFNAME.source}), got ${clientText(String(value))}`,
        );
      }
      const has = ctx.hasDevice ?? ((n: string) => existsSync(`/sys/class/net/${n}`));
      if (!has(value)) throw invalidArgument(field, `no network device named '${value}'`);
      return value;
    }
    case "ksym":
      if (typeof value !== "string" || !KSYM.test(value)) {
        throw invalidArgument(
          field,
          `must be a kernel function name (${KSYM.source}), got ${clientText(String(value))}`,
        );
      }
      if (ctx.hasSymbol && !ctx.hasSymbol(value))
        throw invalidArgument(field, `no kernel symbol '${value}' in /proc/kallsyms`);
      return value;
    case "filter":
      throw invalidArgument(field, "is set from the session target and cannot be given directly");
  }
}

/**
 * Validates client-supplied parameters against the manifest and fills defaults. Every value that
 * reaches a script passes through here; unknown names are refused rather than ignored.
 */
const PARAM_NAME = /^[a-z][a-z0-9_]{0,31}$/;

export function resolveParams(
  manifest: Manifest,
  given: Record<string, unknown>,
  ctx: ParamContext = {},
  fieldPrefix = "params",
): ParamValues {
  const specs = new Map(manifest.params.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    // A key outside the grammar of parameter names is refused before it is echoed anywhere: it
    // could carry newlines, non-ASCII or kilobytes (a field path travels in gRPC metadata).
    if (!PARAM_NAME.test(name))
      throw invalidArgument(
        `${fieldPrefix}`,
        `parameter names are lowercase letters, digits and _ (at most 32), got ${clientText(name)}`,
      );
    if (!specs.has(name)) {
      const known = manifest.params.filter((p) => p.type !== "filter").map((p) => p.name);
      throw invalidArgument(
        `${fieldPrefix}.${name}`,
        `unknown parameter of probe ${manifest.name} (known: ${known.join(", ")})`,
      );
    }
  }
  const out: ParamValues = {};
  for (const spec of manifest.params) {
    const field = `${fieldPrefix}.${spec.name}`;
    out[spec.name] =
      given[spec.name] === undefined ? spec.default : checkOne(spec, given[spec.name], field, ctx);
  }
  return out;
}
