// Install-time hooks (pnpm reads this file on every install).
//
// pnpm meets a package's *optional* peer with whatever version it finds in the
// workspace, and then keeps it in production installs (`pnpm deploy --prod`).
// Two such peers are never loaded by what we use, so they are dropped:
// - valibot (bull-board's validator) names `typescript`: the dev-only compiler
//   would otherwise ship in the API image;
// - bullmq names `pg` for its Postgres backend, which we do not use (Redis is our
//   queue): it would otherwise pin a second copy of `pg` beside MikroORM's.
const UNUSED_OPTIONAL_PEERS = {
  valibot: ['typescript'],
  bullmq: ['pg'],
};

module.exports = {
  hooks: {
    readPackage(pkg) {
      for (const peer of UNUSED_OPTIONAL_PEERS[pkg.name] ?? []) {
        delete pkg.peerDependencies?.[peer];
        delete pkg.peerDependenciesMeta?.[peer];
      }
      return pkg;
    },
  },
};
