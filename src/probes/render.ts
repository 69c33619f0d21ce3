import { OverlayscopeError } from "../util/errors.js";
import type { ParamValues } from "./params.js";

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;
const IF_LINE = /^\s*\/\/ @if (!?)([a-z_]+)\s*$/;
const ENDIF_LINE = /^\s*\/\/ @endif\s*$/;

/**
 * Fills a catalogue program: `// @if flag` … `// @endif` sections are kept when the bool parameter
 * is true (`// @if !flag` when it is false), and `{{name}}` takes the parameter's value. Values were validated by resolveParams
 * (ints in range, names matching strict grammars), so they are substituted as they are.
 */
export function renderScript(source: string, values: ParamValues, label: string): string {
  const kept: string[] = [];
  const stack: boolean[] = [];
  for (const line of source.split("\n")) {
    const ifm = IF_LINE.exec(line);
    if (ifm) {
      const v = values[ifm[2]!];
      if (typeof v !== "boolean")
        throw new OverlayscopeError("INTERNAL", `${label}: @if ${ifm[2]} is not a bool parameter`);
      stack.push(ifm[1] === "!" ? !v : v);
      continue;
    }
    if (ENDIF_LINE.test(line)) {
      if (stack.pop() === undefined) throw new OverlayscopeError("INTERNAL", `${label}: @endif without @if`);
      continue;
    }
    if (stack.every(Boolean)) kept.push(line);
  }
  if (stack.length > 0) throw new OverlayscopeError("INTERNAL", `${label}: unclosed @if`);
  return kept.join("\n").replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new OverlayscopeError("INTERNAL", `${label}: no value for {{${name}}}`);
    return String(v);
  });
}
