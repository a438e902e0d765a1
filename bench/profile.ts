/**
 * `npm run bench:profile`: the project's bot alone under the diagnosis load, with `--cpu-prof`; prints
 * the functions that took the most self time and leaves the profile in .data/bench/.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startGraphEmulator } from '../tools/graph-emulator';
import { LoopbackConnector } from '../test/support/loopback-connector';
import { benchDirectory } from './bench-directory';
import { closedLoop } from './load';
import { diagnosisActivities } from './run';
import { compileTargets, Target } from './target-client';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

interface CpuProfile {
  nodes: Array<ProfileNode & { children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

function frameName(node: ProfileNode): string {
  const where = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*wt-perf\//, '');
  return `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
}

/** Microseconds per function over the last `windowMs` of the profile (the load, not the start-up). */
function timeByFunction(
  profile: CpuProfile,
  windowMs: number,
): { self: Map<string, number>; inclusive: Map<string, number>; total: number } {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const times: number[] = [];
  let at = 0;
  for (const delta of profile.timeDeltas) times.push((at += delta));
  const windowStart = at - windowMs * 1000;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const time = times[index] ?? 0;
    if (time < windowStart) return;
    const delta = (times[index + 1] ?? time) - time;
    total += delta;
    const node = byId.get(id);
    if (!node) return;
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + delta);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current);
      if (!frame) break;
      const key = frameName(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  });
  return { self, inclusive, total: total / 1000 };
}

async function main(): Promise<void> {
  const concurrency = Number(process.argv[2] ?? 1);
  const seconds = Number(process.argv[3] ?? 10);
  const profileDir = resolve('.data/bench');
  const emulator = await startGraphEmulator({ directory: benchDirectory(400, 1) });
  const connector = new LoopbackConnector({ keepCalls: false });
  const serviceUrl = await connector.start();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-profile-'));
  const before = new Set(readdirSync(profileDir, { withFileTypes: false }).map(String));
  compileTargets();
  const bot = await Target.start(
    ['helpdesk', join(dir, 'bench.sqlite'), emulator.url, emulator.tenantId, 'serve'],
    { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`], compiled: true },
  );
  const result = await closedLoop({
    url: bot.url,
    concurrency,
    durationMs: seconds * 1000,
    conversation: (n) => diagnosisActivities(serviceUrl, n),
  });
  await bot.stop();
  await connector.stop();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  const file = readdirSync(profileDir).find((name) => !before.has(name) && name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile was written');
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  const { self, inclusive, total } = timeByFunction(profile, seconds * 1000);
  const show = (title: string, table: Map<string, number>): void => {
    process.stdout.write(
      `${title} (ms per turn, ${result.turns} turns, ${(total / 1000).toFixed(0)} ms profiled)\n`,
    );
    const top = [...table.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
    for (const [key, us] of top) {
      process.stdout.write(`${(us / 1000 / result.turns).toFixed(2).padStart(7)}  ${key}\n`);
    }
  };
  show('self time', self);
  show('inclusive time', inclusive);
  process.stdout.write(`profile: ${join(profileDir, file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
