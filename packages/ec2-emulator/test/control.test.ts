import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  CreateSnapshotsCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { Ec2EmulatorControl, seedInstance, startEc2Emulator } from '../src/index.js';
import { AGAINST_AWS, sdkError, seedDefaults, useTarget } from './harness.js';

const target = useTarget({ timeScale: 0.0001 });

describe.skipIf(AGAINST_AWS)('control endpoints', () => {
  it('exposes the whole state with tags, attachments and snapshot states', async () => {
    await target.control.reset();
    const seeded = await seedInstance(target.client, {
      ...seedDefaults,
      az: target.az,
      dataVolumes: [{ device: '/dev/sdf', sizeGiB: 2 }],
      tags: { tenant: 'acme' },
    });
    await target.client.send(
      new CreateSnapshotsCommand({
        InstanceSpecification: { InstanceId: seeded.instanceId },
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'backup', Value: 'b-9' }] }],
      }),
    );
    const state = await target.control.state();
    expect(state.instances).toHaveLength(1);
    expect(state.instances[0]).toMatchObject({ instanceId: seeded.instanceId, tags: { tenant: 'acme' } });
    expect(state.volumes.map((v) => v.attachments[0]?.device).sort()).toEqual(['/dev/sdf', '/dev/xvda']);
    expect(state.volumes[0]?.tags).toEqual({ tenant: 'acme' });
    expect(state.snapshots).toHaveLength(2);
    expect(state.snapshots[0]).toMatchObject({ tags: { backup: 'b-9' }, ownerId: '123456789012' });

    await target.control.reset();
    expect(await target.control.state()).toEqual({ instances: [], volumes: [], snapshots: [] });
    expect(await target.control.calls()).toEqual({});
  });

  it('counts calls per action, total and by error code', async () => {
    await target.control.reset();
    await target.client.send(new DescribeVolumesCommand({}));
    await sdkError(target.client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0123456789abcdef0'] })));
    expect(await target.control.calls()).toEqual({
      DescribeVolumes: { total: 2, errors: { 'InvalidVolume.NotFound': 1 } },
    });
  });

  it('injects a fault with its own code and message, for N calls only', async () => {
    await target.control.injectFault({
      action: 'DescribeSnapshots',
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
      count: 1,
    });
    const error = await sdkError(target.client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] })));
    expect(error).toMatchObject({
      name: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
      status: 400,
    });
    await target.client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
  });

  it('fails a volume on demand', async () => {
    const volume = await target.client.send(
      new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1 }),
    );
    await target.control.failResource({ id: volume.VolumeId ?? '' });
    const described = await target.client.send(
      new DescribeVolumesCommand({ VolumeIds: [volume.VolumeId ?? ''] }),
    );
    expect(described.Volumes?.[0]?.State).toBe('error');
    await expect(target.control.failResource({ id: 'vol-0123456789abcdef0' })).rejects.toThrow(/404/);
  });

  it('adds latency per action', async () => {
    await target.control.setLatency({ action: 'DescribeVolumes', ms: 60 });
    const started = Date.now();
    await target.client.send(new DescribeVolumesCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await target.control.setLatency({ action: 'DescribeVolumes', ms: 0 });
  });

  it('is reachable through a control client built from the endpoint, and reconfigures time', async () => {
    const control = new Ec2EmulatorControl(target.emulator?.endpoint ?? '');
    const config = await control.configure({ timeScale: 0.5, limits: { pendingSnapshotsPerVolume: 2 } });
    expect(config).toMatchObject({
      timeScale: 0.5,
      limits: { pendingSnapshotsPerVolume: 2, throttling: true },
    });
    await control.configure({ timeScale: 0.0001, limits: { pendingSnapshotsPerVolume: 5 } });
  });
});

describe.skipIf(AGAINST_AWS)('in-process and standalone', () => {
  it('starts on a random port, and stop() is idempotent', async () => {
    const emu = await startEc2Emulator({ port: 0, region: 'eu-central-1', timeScale: 0.001, limits: false });
    expect(emu.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.region).toBe('eu-central-1');
    const client = new EC2Client({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const volume = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'eu-central-1c', Size: 1 }));
    expect(volume.AvailabilityZone).toBe('eu-central-1c');
    client.destroy();
    await Promise.all([emu.stop(), emu.stop()]);
  });

  it('runs as a CLI that logs one line when listening and stops cleanly on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=@backups/source',
        '--import',
        'tsx',
        cli,
        '--port',
        '0',
        '--region',
        'ap-south-1',
        '--no-limits',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error(`CLI exited early: ${output}`)));
    });
    // Until it is used, the listening line is all it has written.
    expect(output.trim().split('\n'), output).toHaveLength(1);
    const client = new EC2Client({
      endpoint,
      region: 'ap-south-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const described = await client.send(new DescribeVolumesCommand({}));
    expect(described.Volumes).toEqual([]);
    client.destroy();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
