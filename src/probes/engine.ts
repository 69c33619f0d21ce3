import { clientText, OverlayscopeError } from "../util/errors.js";
import { probeCapabilities, readKallsyms, type KernelCapabilities } from "./capabilities.js";
import { loadCatalogue, type CatalogueEntry } from "./manifest.js";
import { resolveParams } from "./params.js";
import { ProbeRun } from "./probe-run.js";
import { ProbeRunPool, type ProbeLease } from "./run-pool.js";
import { loadCalibration } from "./dispatch-calibration.js";
import { chooseVariant, variantForParams, type VariantChoice } from "./select.js";
import { filterExpression, type Target } from "./target-filter.js";

export interface ProbeRequest {
  name: string;
  params?: Record<string, unknown>;
}

/**
 * The catalogue bound to this kernel: loads manifests, probes capabilities once, picks a variant
 * per probe, and prepares validated runs. Nothing is spawned until `prepare` has checked the whole
 * request.
 */
export class ProbeEngine {
  readonly pool = new ProbeRunPool();

  private constructor(
    readonly catalogue: Map<string, CatalogueEntry>,
    readonly caps: KernelCapabilities,
    readonly choices: Map<string, VariantChoice>,
    private readonly binary?: string,
  ) {}

  static async create(options: { binary?: string; catalogueDir?: string } = {}): Promise<ProbeEngine> {
    const catalogue = await loadCatalogue(options.catalogueDir);
    const caps = await probeCapabilities(options.binary);
    // A dispatch cost measured on this kernel since boot replaces the bare-metal estimate.
    await loadCalibration();
    const choices = new Map([...catalogue].map(([name, e]) => [name, chooseVariant(e.manifest, caps)]));
    return new ProbeEngine(catalogue, caps, choices, options.binary);
  }

  /**
   * A module (vxlan) may load after the daemon started: when a variant was ruled out only by a
   * missing kernel symbol, re-read kallsyms and choose again, so the next session gets kprobes.
   */
  async refreshSymbols(): Promise<void> {
    const waiting = [...this.choices.values()].some((c) =>
      c.rejected.some((r) => /not in \/proc\/kallsyms/.test(r.reason)),
    );
    if (!waiting) return;
    this.caps.symbols = await readKallsyms().catch(() => this.caps.symbols);
    for (const [name, e] of this.catalogue) this.choices.set(name, chooseVariant(e.manifest, this.caps));
  }

  defaultProbes(): string[] {
    return [...this.catalogue.values()].filter((e) => e.manifest.default).map((e) => e.manifest.name);
  }

  /** Validates every request (names, parameters, kernel support) and returns unstarted runs. */
  prepare(requests: readonly ProbeRequest[], target: Target, fieldPrefix = "probes"): ProbeLease[] {
    const seen = new Set<string>();
    const runs: ProbeLease[] = [];
    requests.forEach((req, i) => {
      const field = `${fieldPrefix}[${i}]`;
      const entry = this.catalogue.get(req.name);
      if (!entry) {
        throw new OverlayscopeError(
          "INVALID_ARGUMENT",
          `${field}.name: unknown probe ${clientText(req.name)} (known: ${[...this.catalogue.keys()].join(", ")})`,
          {
            field: `${field}.name`,
          },
        );
      }
      if (seen.has(req.name)) {
        throw new OverlayscopeError(
          "INVALID_ARGUMENT",
          `${field}.name: probe '${req.name}' requested twice`,
          { field: `${field}.name` },
        );
      }
      seen.add(req.name);
      const choice = this.choices.get(req.name)!;
      if (!choice.variant) {
        throw new OverlayscopeError(
          "FAILED_PRECONDITION",
          `${field}: probe ${req.name} cannot run on this kernel: ${choice.reason}`,
          {
            field,
          },
        );
      }
      const params = resolveParams(
        entry.manifest,
        req.params ?? {},
        { hasSymbol: (s) => this.caps.symbols.has(s) },
        `${field}.params`,
      );
      if ("filter" in params) params.filter = filterExpression(target);
      const fit = variantForParams(choice, params);
      if (!fit.variant) {
        throw new OverlayscopeError(
          "INVALID_ARGUMENT",
          `${field}.params: probe ${req.name} cannot run with these parameters here: ${fit.reason}`,
          { field: `${field}.params` },
        );
      }
      runs.push(this.pool.lease(new ProbeRun(entry, fit.variant, params, this.caps, this.binary)));
    });
    return runs;
  }
}
