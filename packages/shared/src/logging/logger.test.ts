import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { withLogContext } from './log-context.js';
import { createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ service: 'test', level: 'info', pretty: false, destination }) };
}

describe('createLogger', () => {
  it('adds the fields of the surrounding log context, nested contexts included', async () => {
    const { lines, log } = capture();
    await withLogContext({ jobId: '7', job: 'operation.drive' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      withLogContext({ deploymentId: '611298765432109056' }, () => log.info('inside'));
    });
    log.info('outside');
    expect(lines[0]).toMatchObject({
      service: 'test',
      msg: 'inside',
      jobId: '7',
      job: 'operation.drive',
      deploymentId: '611298765432109056',
    });
    expect(lines[1]).not.toHaveProperty('jobId');
  });

  it('does not repeat a field the call or a child logger already names', () => {
    const { lines, log } = capture();
    withLogContext({ jobId: '7', deploymentId: '1' }, () => {
      log.child({ deploymentId: '2' }).info({ jobId: '8' }, 'x');
    });
    const raw = JSON.stringify(lines[0]);
    expect(lines[0]).toMatchObject({ jobId: '8', deploymentId: '2' });
    expect(raw.match(/"jobId"/g)).toHaveLength(1);
  });

  it('redacts secrets and authorization headers', () => {
    const { lines, log } = capture();
    log.info({ password: 'hunter2', req: { headers: { authorization: 'Basic b3A6aHVudGVyMg==' } } }, 'x');
    expect(JSON.stringify(lines[0])).not.toMatch(/hunter2|b3A6aHVudGVyMg/);
  });
});
