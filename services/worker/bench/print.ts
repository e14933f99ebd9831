// Output helpers shared by the benchmark's modes.

export function log(msg = ''): void {
  process.stdout.write(`${msg}\n`);
}

export const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** `label:` padded so the figures of one report line up. */
export const row = (label: string, value: string): string => `${`${label}:`.padEnd(34)}${value}`;

export const per = (n: number, d: number): string => (d > 0 ? (n / d).toFixed(2) : 'n/a');

export const percent = (n: number, d: number): string => (d > 0 ? `${((100 * n) / d).toFixed(2)}%` : 'n/a');

export const breakdown = (m: NodeJS.MemoryUsage): string =>
  `rss ${MiB(m.rss)}, heap used ${MiB(m.heapUsed)} of ${MiB(m.heapTotal)}, external ${MiB(m.external)} (array buffers ${MiB(m.arrayBuffers)})`;
