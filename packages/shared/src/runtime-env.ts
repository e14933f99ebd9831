// The process environment every service runs with, wherever it is launched.
// The Dockerfile's runtime stage carries the same value (it cannot import this
// file); the release check, the benchmarks and the worker test harness take it
// from here. Each service may add its own (services/worker/src/runtime.ts).
//
// GLIBC_TUNABLES mmap_threshold=32 KiB: compiling @aws-sdk/client-ec2 (one 2 MiB
//   script, loaded by the worker and the scheduler) takes ~35 MiB of parser and
//   compiler memory in 32 KiB segments; freed, glibc keeps them in the main heap
//   for good (~26 MiB of RSS). From 32 KiB up, allocations are mapped and
//   unmapped instead, which gives them back. (Ignored where the C library is
//   not glibc.)
export const SERVICE_RUNTIME_ENV: Readonly<Record<string, string>> = {
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=32768',
};
