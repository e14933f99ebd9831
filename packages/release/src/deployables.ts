// The long-running services as production runs them: the compiled entry point
// of each package's deployed folder, and where it answers /readyz.

export interface Service {
  name: 'api' | 'worker' | 'scheduler';
  pkg: `@backups/${string}`;
  entry: string;
  /** A module that loads what the service needs without starting it: the image imports it at
   *  build time so that Node's compile cache (NODE_COMPILE_CACHE) already holds its code. */
  warm: string;
  /** The variable that sets the port serving /healthz and /readyz (the API also serves them on METRICS_PORT). */
  portVariable: 'PORT' | 'METRICS_PORT';
}

export const SERVICES: readonly Service[] = [
  { name: 'api', pkg: '@backups/api', entry: 'dist/main.js', warm: 'dist/app.js', portVariable: 'PORT' },
  {
    name: 'worker',
    pkg: '@backups/worker',
    entry: 'dist/main.js',
    warm: 'dist/worker-app.js',
    portVariable: 'METRICS_PORT',
  },
  {
    name: 'scheduler',
    pkg: '@backups/scheduler',
    entry: 'dist/main.js',
    warm: 'dist/scheduler-app.js',
    portVariable: 'METRICS_PORT',
  },
];

/** Packages that are development tools: none may reach a production folder. */
export const DEV_ONLY_PACKAGES = [
  'typescript',
  'tsx',
  'vitest',
  'vite',
  'esbuild',
  'turbo',
  '@biomejs/biome',
  'playwright-core',
  'autocannon',
  'fast-check',
  '@backups/testing',
] as const;
