// Prints how the data layer is spread over the code: raw SQL call sites, the
// files that write each table's status, and the size of packages/shared.
//
//   pnpm --filter @backups/testing data-layer-stats [git-rev]
//
// Without a revision it reads the working tree; with one (e.g. an older
// commit) it reads the files as they were there, so before/after figures come
// from the same counting.
import { listFiles, productionSources, readSource } from '../src/architecture/source-tree.js';
import { sqlStatements } from '../src/architecture/sql-literals.js';
import { TABLE_OWNERS, tableWrites } from '../src/architecture/table-owners.js';

const rev = process.argv[2];
const sources = productionSources(rev);

const sqlSites = sources
  .map((f) => ({ file: f.path, n: sqlStatements(f.text).length }))
  .filter((s) => s.n > 0);
const writes = sources.flatMap(tableWrites);

const productionLines = sources.reduce((a, f) => a + f.text.split('\n').length - 1, 0);
console.log(
  `data layer at ${rev ?? 'the working tree'} (${sources.length} production source files, ${productionLines} lines)`,
);
console.log(`\nraw SQL call sites: ${sqlSites.reduce((a, s) => a + s.n, 0)} in ${sqlSites.length} files`);
for (const s of sqlSites.sort((a, b) => b.n - a.n)) console.log(`  ${String(s.n).padStart(3)}  ${s.file}`);

// SQL text inside MikroORM queries (`raw('now() + make_interval(…)')`): not a call site, but still SQL.
const fragments = sources.reduce((a, f) => a + (f.text.match(/\braw\(\s*['"`]/g)?.length ?? 0), 0);
console.log(`raw SQL fragments inside MikroORM queries: ${fragments}`);

console.log('\nfiles writing each status:');
for (const [table, o] of Object.entries(TABLE_OWNERS)) {
  if (!o.statusColumn) continue;
  const files = [
    ...new Set(writes.filter((w) => w.table === table && w.writesStatus).map((w) => w.file)),
  ].sort();
  console.log(`  ${table}.${o.statusColumn}: ${files.length}`);
  for (const f of files) console.log(`      ${f}`);
}

const shared = listFiles(rev).filter((p) => /^packages\/shared\/(src|test)\/.+\.ts$/.test(p));
const lines = (paths: string[]) =>
  paths.reduce((a, p) => a + readSource(p, rev).text.split('\n').length - 1, 0);
const tests = shared.filter((p) => /\.test\.ts$|^packages\/shared\/test\//.test(p));
const harness = shared.filter((p) => p.startsWith('packages/shared/src/testing/'));
const migrations = shared.filter((p) => p.startsWith('packages/shared/src/db/migrations/'));
const code = shared.filter((p) => !tests.includes(p) && !harness.includes(p) && !migrations.includes(p));
console.log('\nlines in packages/shared (.ts):');
console.log(
  `  total ${lines(shared)}: code ${lines(code)}, migrations ${lines(migrations)}, tests ${lines(tests)}, test harness ${lines(harness)}`,
);
