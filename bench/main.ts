import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderResults } from './report';
import { DEFAULT_SETTINGS, runBench } from './run';

const RESULTS = join(__dirname, 'results.md');
const MARKER = '<!-- runs below are written by npm run bench, newest first -->';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      alone: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      'node-options': { type: 'string' },
      pending: { type: 'string' },
    },
  });
  const settings = {
    ...DEFAULT_SETTINGS,
    ...(values.duration ? { durationMs: Number(values.duration) * 1000 } : {}),
    ...(values.alone ? { aloneMs: Number(values.alone) * 1000 } : {}),
    ...(values.profile ? { profileDir: values.profile } : {}),
    ...(values.pending ? { pendingToSweep: Number(values.pending) } : {}),
    ...(values['node-options'] ? { nodeOptions: values['node-options'].split(/\s+/).filter(Boolean) } : {}),
  };
  const results = await runBench(settings, (line) => process.stderr.write(`${line}\n`));
  const section = renderResults(results, new Date());
  process.stdout.write(`${section}\n`);
  const out = values.out ?? RESULTS;
  const existing = existsSync(out) ? readFileSync(out, 'utf8') : `# Benchmark results\n\n${MARKER}\n`;
  const [head, tail = ''] = existing.includes(MARKER) ? existing.split(MARKER) : [existing, ''];
  writeFileSync(out, `${head}${MARKER}\n\n${section}${tail.replace(/^\n+/, '\n')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
