// Copies a folder of static files (the Console's page, styles and browser
// modules) next to the compiled JavaScript, which tsc does not do. TypeScript
// beside them (unit tests, type declarations) stays behind.
import { cpSync, rmSync } from 'node:fs';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('usage: node scripts/copy-assets.mjs <from> <to>');
  process.exit(64);
}
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true, filter: (path) => !path.endsWith('.ts') });
