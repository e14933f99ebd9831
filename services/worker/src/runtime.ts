// How a worker process is started: the environment that bounds its memory,
// wherever a worker is launched. The Dockerfile's worker target and the
// `start` script in package.json carry the same values (they cannot import this
// file); the test harness and the benchmark take them from here. Figures come
// from `pnpm --filter @backups/worker bench` (README, "Memory").
//
// NODE_OPTIONS --max-semi-space-size=2 --max-old-space-size=160: V8's own
//   heuristics are tuned for throughput. Left alone, the young generation grows
//   to tens of MiB (16 MiB semi-spaces and more) and the old one to about four
//   times the live heap before a full collection, so a busy worker peaks at
//   350-400 MiB RSS though it never holds more than ~75 MiB. A 2 MiB semi-space
//   and a 160 MiB old-space limit (twice the busiest live heap measured) make
//   V8 collect as it goes: the peak stays within ~20 MiB of the idle RSS, for
//   ~15% more worker CPU. (--optimize-for-size bounds it as well, but doubles
//   the CPU per backup.) Operators running bigger pods can raise the limit.
// Plus every service's malloc setting (SERVICE_RUNTIME_ENV).
import { SERVICE_RUNTIME_ENV } from '@backups/shared/runtime-env';

export const WORKER_RUNTIME_ENV: Readonly<Record<string, string>> = {
  ...SERVICE_RUNTIME_ENV,
  NODE_OPTIONS: '--max-semi-space-size=2 --max-old-space-size=160',
};
