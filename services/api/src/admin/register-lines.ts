import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { describeById, discoverNodes, nodesOf, registerDeployment } from '@backups/shared/deployments';
import type { Ec2Adapter, InstanceInfo } from '@backups/shared/ec2';
import { type AdminDeps, UsageError } from './admin-deps.js';
import { type ParsedLine, parseRegisterLine } from './register-line.js';
import { toNewDeployment } from './register-options.js';

// deployment:register --jsonl <file|->: one deployment per line, each validated and
// registered on its own (its own transaction), so a bad line costs only itself.
// Lines are taken WINDOW at a time so that one DescribeInstances (+ DescribeVolumes)
// per region covers a whole window instead of one call per line.

const WINDOW = 50;

interface Line {
  no: number;
  parsed: ParsedLine;
}

/** Registers every line; returns the exit code: 0 if all lines succeeded, else 1. */
export async function registerLines(source: string, deps: AdminDeps): Promise<number> {
  const input = await openInput(source, deps);
  const adapters = new Map<string, Promise<Ec2Adapter>>();
  const ec2 = (region: string) => {
    const known = adapters.get(region);
    if (known) return known;
    const made = Promise.resolve(deps.ec2ForRegion(region));
    adapters.set(region, made);
    return made;
  };
  const tally = { registered: 0, failed: 0 };
  let window: Line[] = [];
  let no = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    no++;
    if (text.trim() === '') continue; // blank lines (a trailing newline) are not deployments
    window.push({ no, parsed: parseRegisterLine(text) });
    if (window.length === WINDOW) {
      await registerWindow(window, ec2, deps, tally);
      window = [];
    }
  }
  await registerWindow(window, ec2, deps, tally);
  deps.print(`summary: ${tally.registered} registered, ${tally.failed} failed`);
  return tally.failed === 0 ? 0 : 1;
}

async function openInput(source: string, deps: AdminDeps): Promise<NodeJS.ReadableStream> {
  if (source === '-') return deps.stdin ?? process.stdin;
  try {
    return (await open(source)).createReadStream();
  } catch (err) {
    throw new UsageError(`--jsonl ${source}: ${(err as Error).message}`);
  }
}

async function registerWindow(
  lines: Line[],
  ec2: (region: string) => Promise<Ec2Adapter>,
  deps: AdminDeps,
  tally: { registered: number; failed: number },
): Promise<void> {
  const described = await describeWindow(lines, ec2);
  for (const { no, parsed } of lines) {
    if (!parsed.ok) {
      tally.failed++;
      deps.print(`line ${no}: error: ${parsed.error}`);
      continue;
    }
    const o = parsed.options;
    try {
      const found = described.get(o.region);
      const nodes = found
        ? nodesOf(found, o.instances, o.region)
        : await discoverNodes(await ec2(o.region), o.instances);
      const { id } = await registerDeployment(await deps.em(), toNewDeployment(o, nodes));
      tally.registered++;
      deps.print(
        `line ${no}: registered deployment ${id} (${nodes.length} node${nodes.length === 1 ? '' : 's'})`,
      );
    } catch (err) {
      tally.failed++;
      deps.print(`line ${no}: error: ${errorText(err)}`);
    }
  }
}

/**
 * The window's instances, described per region in one go. EC2 fails a whole
 * DescribeInstances that names one unknown id, so a region whose batch fails is
 * left out: its lines are then discovered one by one, and only the bad line fails.
 */
async function describeWindow(
  lines: Line[],
  ec2: (region: string) => Promise<Ec2Adapter>,
): Promise<Map<string, Map<string, InstanceInfo>>> {
  const idsByRegion = new Map<string, Set<string>>();
  for (const { parsed } of lines) {
    if (!parsed.ok) continue;
    const ids = idsByRegion.get(parsed.options.region) ?? new Set();
    for (const id of parsed.options.instances) ids.add(id);
    idsByRegion.set(parsed.options.region, ids);
  }
  const out = new Map<string, Map<string, InstanceInfo>>();
  for (const [region, ids] of idsByRegion) {
    try {
      out.set(region, await describeById(await ec2(region), [...ids]));
    } catch {
      // Each line's own discovery reports what was wrong.
    }
  }
  return out;
}

/**
 * One line of text per input line. The database's detail (which key, which
 * constraint) is what an operator needs to fix the line, so it is kept.
 */
function errorText(err: unknown): string {
  let text = err instanceof Error ? err.message : String(err);
  const detail = (err as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string' && !text.includes(detail)) text += ` (${detail})`;
  return text.replace(/\s*\n\s*/g, ' ');
}
