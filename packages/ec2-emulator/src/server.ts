import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ec2EmulatorControl } from './control/control.client.js';
import { CONTROL_PREFIX, handleControl } from './control/control.routes.js';
import { Ec2Emulator, type EmulatorSettings } from './emulator.js';

export interface StartEc2EmulatorOptions extends EmulatorSettings {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningEc2Emulator {
  /** Base URL to give `new EC2Client({ endpoint })`. */
  readonly endpoint: string;
  readonly region: string;
  readonly port: number;
  readonly control: Ec2EmulatorControl;
  /** The in-process model, for callers that want to skip HTTP. */
  readonly emulator: Ec2Emulator;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function createEmulatorServer(emulator: Ec2Emulator): Server {
  return createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      const path = new URL(request.url ?? '/', 'http://emulator').pathname;
      if (path.startsWith(CONTROL_PREFIX)) {
        const result = handleControl(emulator, request.method ?? 'GET', path, body);
        response.writeHead(result.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result.json));
        return;
      }
      // EC2's Query API also accepts GET with the parameters in the query string.
      const query =
        request.method === 'GET' ? new URL(request.url ?? '/', 'http://emulator').search.slice(1) : body;
      const result = await emulator.handleQuery(query);
      response.writeHead(result.status, {
        'content-type': 'text/xml;charset=UTF-8',
        'x-amzn-requestid': result.requestId,
      });
      response.end(result.body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
}

export async function startEc2Emulator(options: StartEc2EmulatorOptions = {}): Promise<RunningEc2Emulator> {
  const emulator = new Ec2Emulator(options);
  const server = createEmulatorServer(emulator);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    region: emulator.region,
    port,
    control: new Ec2EmulatorControl(endpoint),
    emulator,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        emulator.stop();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of SDK clients would hold close() open otherwise.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
