/**
 * The size of the netfilter ruleset, from `nft -j list ruleset` (iptables on current
 * distributions is nftables underneath, so its rules are counted here too) and, where a namespace
 * has legacy x_tables tables (`iptables-legacy`, still what some Docker and Kubernetes hosts run),
 * from `iptables-legacy-save`: rules per table and chain, with the chain's hook. Packets walk every
 * rule of the chains on their path, so a ruleset of thousands of rules is a per-packet cost.
 */
export interface NetfilterChain {
  /** Which of the kernel's two rule engines holds the chain. */
  backend: "nftables" | "x_tables";
  family: string;
  table: string;
  chain: string;
  /** prerouting, input, forward, output, postrouting; "" for a regular (jump target) chain. */
  hook: string;
  rules: number;
}

export interface NetfilterRuleset {
  chains: NetfilterChain[];
  rules: number;
}

type NftItem = {
  chain?: { family?: string; table?: string; name?: string; hook?: string };
  rule?: { family?: string; table?: string; chain?: string };
};

export function parseNftRuleset(text: string): NetfilterRuleset {
  let items: NftItem[] = [];
  try {
    items = ((JSON.parse(text) as { nftables?: NftItem[] }).nftables ?? []).filter(Boolean);
  } catch {
    return { chains: [], rules: 0 };
  }
  const chains = new Map<string, NetfilterChain>();
  const key = (f = "", t = "", c = ""): string => `${f}\u0000${t}\u0000${c}`;
  for (const it of items)
    if (it.chain) {
      const c = it.chain;
      chains.set(key(c.family, c.table, c.name), {
        backend: "nftables",
        family: c.family ?? "",
        table: c.table ?? "",
        chain: c.name ?? "",
        hook: c.hook ?? "",
        rules: 0,
      });
    }
  let rules = 0;
  for (const it of items)
    if (it.rule) {
      rules++;
      const c = chains.get(key(it.rule.family, it.rule.table, it.rule.chain));
      if (c) c.rules++;
    }
  return { chains: [...chains.values()], rules };
}

/** iptables' built-in chains and the netfilter hooks they sit on. */
const BUILTIN_HOOKS: Record<string, string> = {
  PREROUTING: "prerouting",
  INPUT: "input",
  FORWARD: "forward",
  OUTPUT: "output",
  POSTROUTING: "postrouting",
};

/**
 * `iptables-legacy-save` (or ip6tables-legacy-save) output: "*table", then ":CHAIN POLICY [p:b]"
 * per chain ("-" as the policy of a user chain) and "-A CHAIN …" per rule.
 */
export function parseIptablesSave(text: string, family: "ip" | "ip6"): NetfilterRuleset {
  const chains = new Map<string, NetfilterChain>();
  let table = "";
  let rules = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    else if (line.startsWith(":")) {
      const [name = "", policy] = line.slice(1).split(/\s+/);
      chains.set(`${table} ${name}`, {
        backend: "x_tables",
        family,
        table,
        chain: name,
        hook: policy !== "-" ? (BUILTIN_HOOKS[name] ?? "") : "",
        rules: 0,
      });
    } else if (line.startsWith("-A ")) {
      rules++;
      const c = chains.get(`${table} ${line.split(/\s+/)[1] ?? ""}`);
      if (c) c.rules++;
    }
  }
  return { chains: [...chains.values()], rules };
}

/** Rulesets of one namespace from several sources as one; undefined when none was read. */
export function mergeRulesets(
  parts: ReadonlyArray<NetfilterRuleset | undefined>,
): NetfilterRuleset | undefined {
  const read = parts.filter((p): p is NetfilterRuleset => p !== undefined);
  if (read.length === 0) return undefined;
  return { chains: read.flatMap((p) => p.chains), rules: read.reduce((a, p) => a + p.rules, 0) };
}
