import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SourceFile {
  /** Repository-relative, with forward slashes. */
  path: string;
  text: string;
}

/** The repository's root (two levels above this package's src/architecture). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/**
 * The code that runs in production: every service's and package's `src/`,
 * without tests, type declarations, migrations (the schema, not the model)
 * and the packages that never ship (the test harness, the EC2 emulator, the
 * release checks). The test harness also lived in `packages/shared/src/testing`
 * before it became its own package.
 */
export function isProductionSource(path: string): boolean {
  if (!/^(services|packages)\/[^/]+\/src\/.+\.ts$/.test(path)) return false;
  if (/\.(test|d)\.ts$/.test(path)) return false;
  if (/^packages\/(testing|ec2-emulator|release)\//.test(path)) return false;
  if (path.startsWith('packages/shared/src/db/migrations/')) return false;
  if (path.startsWith('packages/shared/src/testing/')) return false;
  return true;
}

const git = (args: string[]) =>
  execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/**
 * Every file git knows of (committed or not, ignored ones left out), as it is
 * in the working tree, or as it was at `rev` when one is given.
 */
export function listFiles(rev?: string): string[] {
  const out = rev
    ? git(['ls-tree', '-r', '--name-only', rev])
    : git(['ls-files', '--cached', '--others', '--exclude-standard', '--deduplicate']);
  return out.split('\n').filter((p) => p.length > 0);
}

export function readSource(path: string, rev?: string): SourceFile {
  const text = rev ? git(['show', `${rev}:${path}`]) : readFileSync(join(REPO_ROOT, path), 'utf8');
  return { path, text };
}

/** The production source files, in the working tree or at `rev`. */
export function productionSources(rev?: string): SourceFile[] {
  return (
    listFiles(rev)
      .filter(isProductionSource)
      // A tracked file deleted in the working tree is gone, not empty.
      .filter((path) => rev !== undefined || existsSync(join(REPO_ROOT, path)))
      .map((path) => readSource(path, rev))
  );
}
