/**
 * The size of the netfilter ruleset, from `nft -j list ruleset` (iptables on current
 * distributions is nftables underneath, so its rules are counted here too): rules per table and
 * chain, with the chain's hook. Packets walk every rule of the chains on their path, so a ruleset
 * of thousands of rules is a per-packet cost.
 */
export interface NetfilterChain {
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
