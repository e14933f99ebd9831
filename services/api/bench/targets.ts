// The targets the list and create paths are held to (issue 14), computed from
// one run's rows so the ratios compare endpoints measured side by side.

export interface MeasuredRow {
  key: string;
  p99: number;
  rps: number;
  statuses: string;
}

/** List: at least this share of the bare baseline's req/s. */
const LIST_MIN_SHARE = 0.6;
/** List: p99 at most this many times the baseline's. */
const LIST_MAX_P99_FACTOR = 2;
/** Creates spread over 64 deployments, synchronous_commit on. */
const SPREAD_MIN_RPS = 800;

/** The "targets" block: each target, the figure, and whether it is met ("n/a" when an endpoint did not run). */
export function targetsReport(rows: readonly MeasuredRow[]): string {
  const row = (key: string) => rows.find((r) => r.key === key);
  const baseline = row('baseline');
  const list = row('list');
  const spread = row('spread');
  const lines: string[] = [];
  const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'met' : 'NOT met');
  const onlyOk = (r: MeasuredRow | undefined) => r !== undefined && /^2xx=\d+$/.test(r.statuses);

  const share = baseline && list ? list.rps / baseline.rps : null;
  lines.push(
    `list req/s >= ${LIST_MIN_SHARE * 100}% of baseline: ${share === null ? '-' : `${(share * 100).toFixed(0)}%`}` +
      `  ${verdict(share === null ? null : share >= LIST_MIN_SHARE && onlyOk(list))}`,
  );
  const factor = baseline && list ? list.p99 / baseline.p99 : null;
  lines.push(
    `list p99 <= ${LIST_MAX_P99_FACTOR}x baseline p99: ${factor === null ? '-' : `${factor.toFixed(2)}x`}` +
      `  ${verdict(factor === null ? null : factor <= LIST_MAX_P99_FACTOR)}`,
  );
  lines.push(
    `spread creates >= ${SPREAD_MIN_RPS} req/s: ${spread ? spread.rps : '-'}` +
      `  ${verdict(spread ? spread.rps >= SPREAD_MIN_RPS && onlyOk(spread) : null)}`,
  );
  return `\ntargets (this run)\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
