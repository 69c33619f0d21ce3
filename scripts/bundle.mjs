// Bundles the compiled CLI (dist/cli/main.js, which also holds the daemon) into one file,
// dist/bundle/main.js: Node resolves and reads some 400 modules otherwise, ~80 ms of every start
// (README, Start-up). The bundle sits two directories below the repository, as dist/cli/main.js
// does, so our own paths to probes/, proto/ and src/report/ hold unchanged.
import { readFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { build } from "esbuild";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "dist", "bundle", "main.js");

// CommonJS dependencies locate their own files (.proto files, workers) through __dirname, which an
// ES module does not have: each such file gets its own, relative to the bundle, so the tree can move.
/** @type {import("esbuild").Plugin} */
const ownLocation = {
  name: "own-location",
  setup(b) {
    b.onLoad({ filter: /[/\\]node_modules[/\\].*\.c?js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
      const rel = relative(dirname(OUT), dirname(args.path));
      return {
        contents:
          `var __dirname = __bundleRelative(${JSON.stringify(rel)}); ` +
          `var __filename = __dirname + ${JSON.stringify(`/${basename(args.path)}`)};\n${text}`,
        loader: "js",
      };
    });
  },
};

await build({
  entryPoints: [join(ROOT, "dist", "cli", "main.js")],
  outfile: OUT,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  plugins: [ownLocation],
  banner: {
    js: [
      'import { createRequire as __createRequire } from "node:module";',
      'import { dirname as __dirnameOf, join as __joinPath } from "node:path";',
      'import { fileURLToPath as __fileURLToPath } from "node:url";',
      // CommonJS dependencies call require(); an ES module has none of its own.
      "const require = __createRequire(import.meta.url);",
      "const __bundleRelative = (rel) => __joinPath(__dirnameOf(__fileURLToPath(import.meta.url)), rel);",
    ].join("\n"),
  },
  logLevel: "warning",
});
