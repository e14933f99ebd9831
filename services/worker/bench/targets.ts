import { log } from './print.js';

// The targets beside the measured figures. Printed, never asserted: a
// benchmark on a shared machine informs, it does not gate (it exits 0 either way).

export interface Target {
  name: string;
  measured: string;
  goal: string;
  met: boolean;
}

export function printTargets(targets: readonly Target[]): void {
  log('');
  log('targets (printed, not asserted):');
  for (const t of targets)
    log(
      `  ${t.name.padEnd(36)}${t.measured.padStart(12)}   goal ${t.goal.padEnd(10)}${t.met ? 'PASS' : 'MISS'}`,
    );
}
