import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICE_RUNTIME_ENV } from '@backups/shared/runtime-env';
import { interrupted, trackChild } from './children.js';

// The public API as its own process, started from its entry file: deployables
// never import one another, so the benchmark talks to it over HTTP like a
// tenant would. Its environment is what services/api/src/env.ts reads.

const API_DIR = fileURLToPath(new URL('../../api/', import.meta.url));
/** `dist/main.js` (the compiled build, `pnpm -w run build` first) or `src` (src/main.ts through tsx). */
const API_ENTRY = process.env.BENCH_API_ENTRY || 'dist/main.js';

export interface ApiProcess {
  baseUrl: string;
  output(): string;
}

export async function startApi(fleet: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
}): Promise<ApiProcess> {
  const args =
    API_ENTRY === 'src'
      ? ['--conditions=@backups/source', '--import', 'tsx', 'src/main.ts']
      : ['--enable-source-maps', API_ENTRY];
  if (API_ENTRY !== 'src' && !existsSync(`${API_DIR}${API_ENTRY}`))
    throw new Error(
      `${API_DIR}${API_ENTRY} is missing: run \`pnpm -w run build\` or set BENCH_API_ENTRY=src`,
    );
  const child = spawn(process.execPath, args, {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...SERVICE_RUNTIME_ENV,
      DATABASE_URL: fleet.databaseUrl,
      REDIS_URL: fleet.redisUrl,
      QUEUE_PREFIX: fleet.prefix,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      // A free port, read back from the "api listening" log line.
      PORT: '0',
      // One key makes every request of the run: the per-key rate limit is not what is measured.
      RATE_LIMIT_REQUESTS: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let out = '';
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const onAbort = () => reject(interrupted.signal.reason);
    interrupted.signal.addEventListener('abort', onAbort, { once: true });
    child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening: ${out}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      out += `${line}\n`;
      const parsed = parseLine(line);
      if (parsed?.msg?.startsWith('api listening') && typeof parsed.port === 'number') {
        interrupted.signal.removeEventListener('abort', onAbort);
        resolve(parsed.port);
      }
    });
  });
  return { baseUrl: `http://127.0.0.1:${port}`, output: () => out };
}

function parseLine(line: string): { msg?: string; port?: unknown } | undefined {
  try {
    return JSON.parse(line) as { msg?: string; port?: unknown };
  } catch {
    return undefined;
  }
}
