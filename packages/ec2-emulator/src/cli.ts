import { parseArgs } from 'node:util';
import { startEc2Emulator } from './server.js';

/** Standalone emulator: `node dist/cli.js --port 4566 --time-scale 0.01` (after `pnpm build`). */
function parseOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      region: { type: 'string', default: 'us-east-1' },
      'time-scale': { type: 'string', default: '1' },
      'no-limits': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new Error(`--time-scale must be a positive number, got ${values['time-scale']}`);
  }
  return { port, host: values.host, region: values.region, timeScale, noLimits: values['no-limits'] };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`ec2-emulator: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  const emulator = await startEc2Emulator({
    port: options.port,
    host: options.host,
    region: options.region,
    timeScale: options.timeScale,
    ...(options.noLimits ? { limits: false as const } : {}),
  });
  console.log(
    `ec2-emulator listening on ${emulator.endpoint} (region ${emulator.region}, timeScale ${options.timeScale}, limits ${options.noLimits ? 'off' : 'on'})`,
  );
  const shutdown = (signal: string) => {
    console.log(`ec2-emulator: ${signal} received, stopping`);
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
