/**
 * Runs `fn` over `items` with at most `limit` calls in flight; the results keep
 * the items' order. Enough parallelism to make seeding and requesting quick,
 * bounded so the benchmark does not swamp the machine it is measuring.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
