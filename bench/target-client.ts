import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startJsonLinesChild, type ChildEvent, type JsonLinesChild } from '../test/support/json-lines-child';

const PROJECT_ROOT = resolve(__dirname, '..');
const COMPILED = join(PROJECT_ROOT, '.data', 'bench', 'dist');

/** Compiles target.ts and what it imports into .data/bench/dist (incrementally). */
export function compileTargets(): void {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(__dirname, 'tsconfig.json')],
    {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
    },
  );
}

/** A bot process started from target.ts, and its command channel. */
export class Target {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (event: ChildEvent) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly child: JsonLinesChild,
    readonly url: string,
  ) {
    void this.dispatch();
  }

  /**
   * `compiled`: run target.ts as compiled by `compileTargets` (what `npm start` runs is compiled
   * too, and ts-node's compiler would otherwise be most of the memory measured).
   */
  static async start(
    args: readonly string[],
    options: { nodeOptions?: readonly string[]; compiled?: boolean } = {},
  ): Promise<Target> {
    const nodeOptions = options.nodeOptions ?? [];
    const script = options.compiled ? join(COMPILED, 'bench', 'target.js') : join(__dirname, 'target.ts');
    const child = startJsonLinesChild(script, args, {
      nodeOptions: ['--expose-gc', ...nodeOptions],
    });
    const ready = await child.next();
    if (ready.event !== 'ready' || typeof ready.port !== 'number') {
      throw new Error(`the bot process did not start: ${JSON.stringify(ready)}`);
    }
    return new Target(child, `http://127.0.0.1:${ready.port}/api/messages`);
  }

  get pid(): number | undefined {
    return this.child.process.pid;
  }

  call(cmd: string, args: Record<string, unknown> = {}): Promise<ChildEvent> {
    const id = this.nextId++;
    return new Promise<ChildEvent>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, cmd, ...args });
    });
  }

  async stop(): Promise<void> {
    await this.call('exit');
    const gone = await this.child.exit;
    if (gone.code !== 0)
      throw new Error(`the bot process exited with ${gone.code ?? gone.signal}: ${gone.stderr}`);
  }

  private async dispatch(): Promise<void> {
    for (;;) {
      let event: ChildEvent;
      try {
        event = await this.child.next();
      } catch (error) {
        for (const pending of this.waiting.values()) pending.reject(error as Error);
        this.waiting.clear();
        return;
      }
      const pending = this.waiting.get(Number(event.id));
      if (!pending) continue;
      this.waiting.delete(Number(event.id));
      if (typeof event.error === 'string') pending.reject(new Error(event.error));
      else pending.resolve(event);
    }
  }
}
