/**
 * `fn` over every item with at most `limit` calls in flight, results in the items' order: for
 * per-namespace work that forks tools, where one at a time leaves CPUs idle while each tool
 * execs and waits, and all at once would fork hundreds of processes on a busy node.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
