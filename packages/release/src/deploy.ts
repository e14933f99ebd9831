import { execFile } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEV_ONLY_PACKAGES } from './deployables.js';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `pnpm deploy --prod`: the folder a production image copies — the package's
 * dist/ and a node_modules with its production dependencies only, workspace
 * packages included as their compiled dist/. Needs `pnpm build` first.
 */
export async function deployPackage(pkg: string, outDir: string): Promise<void> {
  await run('pnpm', ['--filter', pkg, 'deploy', '--prod', outDir], { cwd: REPO_ROOT, maxBuffer: 16 << 20 });
}

/** Bytes on disk under a folder, each file once however many hard links it has (like `du`). */
export function folderBytes(dir: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
      return;
    }
    const inode = `${stat.dev}:${stat.ino}`;
    if (stat.isFile() && !seen.has(inode)) {
      seen.add(inode);
      total += stat.size;
    }
  };
  walk(dir);
  return total;
}

/** The development tools found in a deployed folder's node_modules (pnpm keeps every package under .pnpm). */
export function devPackagesIn(dir: string): string[] {
  let stored: string[];
  try {
    stored = readdirSync(join(dir, 'node_modules', '.pnpm'));
  } catch {
    return [];
  }
  // .pnpm entries are named <name>@<version>[_peers], with a scope's "/" written as "+".
  const names = new Set(
    stored.map((entry) =>
      entry.replace(/^(@[^+]+\+)?([^@]+)@.*$/, (_, scope, name) =>
        scope ? `${scope.slice(0, -1)}/${name}` : name,
      ),
    ),
  );
  return DEV_ONLY_PACKAGES.filter((name) => names.has(name));
}
