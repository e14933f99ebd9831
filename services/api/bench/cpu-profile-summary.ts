import { readFileSync } from 'node:fs';

// Summarises a .cpuprofile of the benchmark: the top entries by self and by
// inclusive time, per function and per package, over the load only (from the
// first to the last sample inside Hono's dispatch, so module loading, seeding
// and teardown are left out). Time is wall time of the main thread: a syscall
// that wakes Postgres or Redis on a busy machine shows as its own time.
//
//   BENCH_ONLY=list node --cpu-prof --cpu-prof-dir=/tmp/prof --conditions=@backups/source \
//     --import tsx bench/api.bench.ts
//   node --import tsx bench/cpu-profile-summary.ts /tmp/prof/*.cpuprofile [top=15]

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const META = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** node_modules/<package>, node:<module>, <workspace package>/<src|bench>, or (native). */
function packageOf(url: string): string {
  if (!url) return '(native)';
  const dep = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (dep?.[1]) return dep[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = url.match(/(?:services|packages)\/([^/]+)\/(src|bench)\//);
  return own ? `${own[1]}/${own[2]}` : url.slice(-40);
}

function functionOf(frame: CallFrame): string {
  const where = frame.url
    .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^.*?\/((?:services|packages)\/)/, '$1');
  return `${frame.functionName || '(anon)'} ${where}:${frame.lineNumber + 1}`;
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stack = (id: number): ProfileNode[] => {
    const frames: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (node) frames.push(node);
    }
    return frames;
  };
  const inLoad = (id: number) =>
    stack(id).some((n) => n.callFrame.url.includes('hono/dist/') && n.callFrame.functionName === 'dispatch');
  const loaded = profile.samples.flatMap((id, i) => (inLoad(id) ? [i] : []));
  const first = loaded[0] ?? 0;
  const last = loaded.at(-1) ?? profile.samples.length - 1;

  const self = new Map<string, number>();
  const selfPkg = new Map<string, number>();
  const incl = new Map<string, number>();
  const inclPkg = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);
  let total = 0;
  for (let i = first; i <= last; i++) {
    const id = profile.samples[i] ?? -1;
    const t = profile.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(id);
    if (!leaf) continue;
    total += t;
    const meta = META.has(leaf.callFrame.functionName);
    add(self, meta ? leaf.callFrame.functionName : functionOf(leaf.callFrame), t);
    add(selfPkg, meta ? leaf.callFrame.functionName : packageOf(leaf.callFrame.url), t);
    const seen = new Set<string>();
    for (const n of stack(id)) {
      if (n.callFrame.functionName === '(root)') continue;
      const f = functionOf(n.callFrame);
      if (!seen.has(f)) add(incl, f, t);
      seen.add(f);
      const p = `pkg ${packageOf(n.callFrame.url)}`;
      if (n.callFrame.url && !seen.has(p)) add(inclPkg, p.slice(4), t);
      seen.add(p);
    }
  }
  const table = (title: string, m: Map<string, number>) =>
    [
      `== ${title} (${(total / 1e6).toFixed(1)} s of load)`,
      ...[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(
          ([k, v]) =>
            `${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1e3).toFixed(0).padStart(6)} ms  ${k}`,
        ),
    ].join('\n');
  return [
    table('self, by function', self),
    table('self, by package', selfPkg),
    table('inclusive, by function', incl),
    table('inclusive, by package', inclPkg),
  ].join('\n\n');
}

const [file, top = '15'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
process.stdout.write(`${summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top))}\n`);
