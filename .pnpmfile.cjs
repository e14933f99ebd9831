// Install-time hooks (pnpm reads this file on every install).
//
// bull-board's validator, valibot, declares `typescript` as an optional peer.
// pnpm meets that peer with our dev-only compiler and then keeps it in
// production installs (`pnpm deploy --prod`), adding the compiler to the API
// image. valibot never loads it at run time, so the peer is dropped here.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if (pkg.name === 'valibot') {
        delete pkg.peerDependencies?.typescript;
        delete pkg.peerDependenciesMeta?.typescript;
      }
      return pkg;
    },
  },
};
