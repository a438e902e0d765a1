/**
 * Several real bot processes (`src/index.ts`) on one store: the Graph emulator over HTTPS and the
 * loopback connector run in the test process, every bot is a child process with its own executor
 * and sweeper, and the test reads the shared store through the same backend code the bots use.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import type { Environment } from '../../src/config';
import type { GraphEmulator, SeedDirectory } from '../../tools/graph-emulator';
import { CERT_PATH } from '../../tools/graph-emulator';
import { startEmulator } from '../graph/graph-test-kit';
import {
  botAddedToTeam,
  clickCard,
  KEN,
  type BotEndpoint,
  type CardClick,
} from '../support/approval-harness';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { LoopbackConnector } from '../support/loopback-connector';
import { teamsMessage, type TeamsUser } from '../support/teams-activity';
import { testEnvironment } from '../support/test-config';
import { openSharedStore, type Backend, type SharedStore } from './shared-store';

export { BACKENDS, type Backend } from './shared-store';

/**
 * The settings every fleet bot runs with: a short lease, so a killed instance's request is taken
 * over within seconds, and frequent polls and sweeps, so the instances really race each other.
 */
const FLEET_ENVIRONMENT: Environment = {
  LOG_LEVEL: 'info',
  HELPDESK_EXECUTOR_LEASE_SECONDS: '6',
  HELPDESK_EXECUTOR_POLL_SECONDS: '1',
  HELPDESK_SWEEP_INTERVAL_SECONDS: '1',
};

/** ts-node compiles the whole bot at start; on a loaded machine that takes a while (a safety net only). */
const START_TIMEOUT_MS = 120_000;
const ROOT = join(__dirname, '..', '..');

export class BotFleet {
  private constructor(
    readonly emulator: GraphEmulator,
    readonly connector: LoopbackConnector,
    readonly serviceUrl: string,
    readonly store: SharedStore,
    readonly bots: BotProcess[],
    /** The settings every bot of the fleet runs with. */
    readonly env: Environment,
  ) {}

  /** The emulator, the connector, the store, then `instances` bots started side by side. */
  static async start(
    backend: Backend,
    options: { instances?: number; env?: Environment; seed?: SeedDirectory } = {},
  ): Promise<BotFleet> {
    const emulator = await startEmulator(options.seed);
    const connector = new LoopbackConnector();
    const serviceUrl = await connector.start();
    const store = await openSharedStore(backend);
    const env: Environment = {
      ...testEnvironment({
        ...FLEET_ENVIRONMENT,
        ...store.env,
        HELPDESK_GRAPH_BASE_URL: emulator.url,
        AZURE_AUTHORITY_HOST: emulator.url,
        ...options.env,
      }),
      NODE_EXTRA_CA_CERTS: CERT_PATH,
    };
    const started = await Promise.allSettled(
      Array.from({ length: options.instances ?? 2 }, () => startBotProcess(env, START_TIMEOUT_MS)),
    );
    const bots = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const fleet = new BotFleet(emulator, connector, serviceUrl, store, bots, env);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await fleet.stop();
      throw failed.reason;
    }
    return fleet;
  }

  /** Stops every bot still running (SIGTERM, as App Service does), then the emulator and the store. */
  async stop(): Promise<void> {
    await Promise.all(this.bots.map((bot) => bot.stop()));
    await this.connector.stop();
    await this.emulator.close();
    await this.store.close();
  }

  /** Bot `index` as an endpoint for the approval harness's helpers. */
  endpoint(index: number): BotEndpoint {
    const bot = this.botAt(index);
    return {
      post: (body) => bot.post(body),
      requests: this.store.stores.requests,
      serviceUrl: this.serviceUrl,
    };
  }

  botAt(index: number): BotProcess {
    const bot = this.bots[index % this.bots.length];
    if (bot === undefined) throw new Error('the fleet has no bots');
    return bot;
  }

  /** The bot whose executor holds `requestId`'s lease (its id is `host:pid#nonce`). */
  async leaseHolder(requestId: string): Promise<BotProcess | undefined> {
    const owner = (await this.store.stores.requests.get(requestId))?.request.execution?.lease?.owner;
    const pid = /:(\d+)#/.exec(owner ?? '')?.[1];
    return this.bots.find((bot) => String(bot.pid) === pid);
  }

  /** Teams tells the bot it was added to the IT team: the approvals channel's reference is stored. */
  async addBotToTeam(index = 0): Promise<void> {
    const response = await this.botAt(index).post(botAddedToTeam(this.serviceUrl, KEN));
    if (response.status !== 200) throw new Error(`adding the bot to the team failed: ${response.status}`);
  }

  say(index: number, user: TeamsUser, input: { text?: string; value?: unknown }): Promise<Response> {
    return this.botAt(index).post(teamsMessage({ serviceUrl: this.serviceUrl, user, ...input }));
  }

  click(index: number, user: TeamsUser, verb: string, data: Record<string, unknown>): Promise<CardClick> {
    return clickCard(this.endpoint(index), user, verb, data);
  }

  /** What one conversation received from any of the bots, oldest first. */
  sentTo(conversationId: string): Array<Partial<Activity>> {
    return this.connector.sentTo(conversationId);
  }

  /**
   * `npm run review -- …args` as a process, on the fleet's store with the bots' settings (the
   * reviewer's CLI reads the same environment as `npm start`).
   */
  review(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'src/review/cli.ts', ...args],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH, ...this.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Every line every bot wrote so far (pino JSON), for scanning logs for secrets. */
  logText(): string {
    return this.bots.map((bot) => bot.lines.join('\n')).join('\n');
  }
}
