// How a worker process is started: the `node` flags and the environment that go
// with `src/main.ts` (or a compiled `main.js`) wherever a worker is launched
// (package.json `start`, docker-compose.yml, the test harness). They bound its
// memory; the figures come from `pnpm --filter @backups/worker bench` (README).
//
// --optimize-for-size: V8's own heuristics are tuned for throughput. Left alone,
//   the young generation grows to tens of MiB (a 16 MiB semi-space and more)
//   and the old one to about four times the live heap (~50 MiB) before a full
//   collection,
//   so a busy worker peaks at 360-400 MiB RSS though it never holds more than
//   ~75 MiB. With the flag V8 keeps a 1 MiB new space and collects the old
//   generation as it grows: the peak stays within ~15 MiB of the idle RSS.
//   It costs CPU (many small collections): about twice the worker CPU time in
//   the benchmark, ~40 ms per backup instead of ~20 ms.
// GLIBC_TUNABLES mmap_threshold=32 KiB: compiling @aws-sdk/client-ec2 (one 2 MiB
//   script) takes ~35 MiB of parser/compiler memory in 32 KiB segments; freed,
//   glibc keeps them in the main heap for good (~26 MiB of RSS). From 32 KiB up,
//   allocations are mapped and unmapped instead, which gives them back.
//   (Ignored where the C library is not glibc.)

export const WORKER_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];

export const WORKER_RUNTIME_ENV: Readonly<Record<string, string>> = {
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=32768',
};
