/**
 * `npm run bench`: the project's bot against botbuilder's echo bot on this machine, under the same
 * closed-loop load, then the approval and reset paths. Prints a summary and writes bench/results.md.
 * Options: --duration S (each load run, default 15), --alone S (default 8), --out FILE,
 * --profile DIR (the bot process writes a --cpu-prof profile there), --pending N (the sweep's backlog,
 * default 10,000).
 */
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startGraphEmulator, type GraphEmulator, type RecordedRequest } from '../tools/graph-emulator';
import { LoopbackConnector, type ConnectorCall } from '../test/support/loopback-connector';
import { visibleText } from '../test/support/running-bot';
import { teamsMessage, type TeamsUser } from '../test/support/teams-activity';
import { pathTo, submit } from '../test/support/diagnosis-paths';
import {
  approvalsChannelActivity,
  approveInputs,
  botAddedToTeam,
  releaseCodeOn,
} from '../test/support/approval-harness';
import { benchApprover, benchDirectory, benchEmployee } from './bench-directory';
import {
  closedLoop,
  closedLoopRaw,
  postActivity,
  summarise,
  summariseAll,
  type LoadResult,
  type RawLoad,
} from './load';
import { compileTargets, Target } from './target-client';

export interface BenchSettings {
  concurrency: number;
  durationMs: number;
  aloneMs: number;
  warmupMs: number;
  /** Conversations the bot holds in state when its memory is read. */
  conversationsInState: number;
  /** Longest the top-up to `conversationsInState` may take. */
  topUpLimitMs: number;
  approvers: number;
  approvalRequests: number;
  resets: number;
  pendingToSweep: number;
  profileDir?: string;
  /** Node options the project's bot runs with (the echo bot keeps Node's defaults). */
  nodeOptions: readonly string[];
  /** Run the bots compiled (as `npm start` does) rather than through ts-node. */
  compiled: boolean;
}

/**
 * The Node flags of `npm start` (package.json; App Service runs the same command, README "Memory"),
 * so the bench measures the bot as production runs it.
 */
export function productionNodeOptions(): string[] {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = (manifest.scripts.start ?? '').split(/\s+/);
  return words.filter((word, index) => index > 0 && word.startsWith('--'));
}

export const DEFAULT_SETTINGS: BenchSettings = {
  concurrency: 50,
  durationMs: 15_000,
  aloneMs: 8_000,
  warmupMs: 3_000,
  conversationsInState: 10_000,
  topUpLimitMs: 60_000,
  approvers: 50,
  approvalRequests: 200,
  resets: 5,
  pendingToSweep: 10_000,
  compiled: true,
  nodeOptions: productionNodeOptions(),
};

export interface SideResult {
  concurrent: LoadResult;
  alone: LoadResult;
  rssBytes: number;
}

export interface ResetResult {
  /** From the answered approval click to DONE, without the time the person took to note the pass. */
  approvedToDoneMs: number[];
  graphReads: number[];
  graphWrites: number[];
  states: string[];
  /** The reads of the last reset, route by route. */
  readsByRoute: Record<string, number>;
  /** HTTPS requests to Graph per reset: a JSON batch is one, however many reads it carries. */
  graphHttpRequests: number[];
  /** APPROVED → DONE of the reset run first, not counted above (the bot's first reset pays for JIT). */
  warmUpMs: number;
}

/** Resets run before the measured ones, as the diagnosis load has its warm-up. */
const WARM_UP_RESETS = 1;

export interface BenchResults {
  machine: Record<string, string>;
  settings: BenchSettings;
  echo: SideResult;
  helpdesk: SideResult;
  conversationsInState: number;
  rssWithConversationsBytes: number;
  approvals: LoadResult;
  resets: ResetResult;
  sweep: { pending: number; ms: number };
  loadBefore: string;
  loadAfter: string;
}

const EMPLOYEES = 400;
/** Employees used by the diagnosis load; the resets and the approvals use the ones after them. */
const DIAGNOSIS_EMPLOYEES = 100;

/** One diagnosis, as a person clicks through it: changed phone, old phone in hand, work account, solved. */
export function diagnosisActivities(serviceUrl: string, n: number): Array<Record<string, unknown>> {
  const user = conversationUser(n);
  const conversationId = `a:bench-${n}`;
  const say = (input: { text?: string; value?: unknown }): Record<string, unknown> =>
    teamsMessage({ serviceUrl, user, conversationId, ...input });
  return [
    say({ text: 'こんにちは' }),
    ...pathTo('work.selfService').map((choice) => say(submit(choice))),
    say(submit({ node: 'close', value: 'yes' })),
  ];
}

function conversationUser(n: number): TeamsUser {
  const employee = benchEmployee(n % DIAGNOSIS_EMPLOYEES);
  return { id: `29:bench-${n}`, name: employee.name, aadObjectId: employee.aadObjectId };
}

function channelActivity(serviceUrl: string, user: TeamsUser): Record<string, unknown> {
  return approvalsChannelActivity(serviceUrl, user);
}

/** A click on the card the bot posted for the request (`replyToId` is that card's message). */
function approveClick(
  serviceUrl: string,
  approver: TeamsUser,
  requestId: string,
  cardActivityId = `card-${requestId}`,
): Record<string, unknown> {
  return {
    ...channelActivity(serviceUrl, approver),
    replyToId: cardActivityId,
    type: 'invoke',
    name: 'adaptiveCard/action',
    text: undefined,
    value: {
      action: { type: 'Action.Execute', verb: 'approve', data: approveInputs(requestId) },
      trigger: 'manual',
    },
  };
}

function isGraphRead(request: RecordedRequest): boolean {
  return request.method === 'GET' || request.route === 'checkMemberGroups';
}

async function expectOk(url: string, activity: Record<string, unknown>, what: string): Promise<void> {
  const { status } = await postActivity(url, activity);
  if (status !== 200) throw new Error(`${what} answered ${status}`);
}

/** Pending requests filed per command when the sweep's backlog is seeded. */
const SEED_CHUNK = 5_000;

/** Each measured load is cut into this many slices, the two bots taking turns slice by slice. */
const SLICES = 5;

/**
 * Both bots under the same load, taking turns in short slices (echo, helpdesk, echo, …) rather than
 * one after the other: on a shared machine the background load changes within a minute, and it
 * must fall on both sides alike for their ratio to mean anything.
 */
async function runSides(
  sides: { echo: Target; helpdesk: Target },
  serviceUrl: string,
  settings: BenchSettings,
  emulator: GraphEmulator,
): Promise<{ echo: SideResult; helpdesk: SideResult }> {
  const targets = [sides.echo, sides.helpdesk];
  // Conversations are numbered apart per bot and per slice, so every slice starts fresh diagnoses.
  const conversation = (offset: number) => (n: number) => diagnosisActivities(serviceUrl, offset + n);
  const sliced = async (base: number, concurrency: number, durationMs: number): Promise<RawLoad[][]> => {
    const loads: RawLoad[][] = targets.map(() => []);
    for (let slice = 0; slice < SLICES; slice++) {
      for (const [index, target] of targets.entries()) {
        loads[index]?.push(
          await closedLoopRaw({
            url: target.url,
            concurrency,
            durationMs: durationMs / SLICES,
            conversation: conversation(base + slice * 100_000),
          }),
        );
        emulator.clearRequests();
      }
    }
    return loads;
  };
  for (const target of targets) {
    await closedLoop({
      url: target.url,
      concurrency: 10,
      durationMs: settings.warmupMs,
      conversation: conversation(1_000_000),
    });
  }
  emulator.clearRequests();
  const concurrent = await sliced(0, settings.concurrency, settings.durationMs);
  const alone = await sliced(2_000_000, 1, settings.aloneMs);
  const result = async (index: number, target: Target): Promise<SideResult> => ({
    concurrent: summariseAll(concurrent[index] ?? []),
    alone: summariseAll(alone[index] ?? []),
    rssBytes: Number((await target.call('memory')).rss),
  });
  return { echo: await result(0, sides.echo), helpdesk: await result(1, sides.helpdesk) };
}

/** New conversations (a first message each) until the bot holds `settings.conversationsInState`. */
async function topUpConversations(
  target: Target,
  serviceUrl: string,
  settings: BenchSettings,
  already: number,
): Promise<number> {
  const missing = Math.max(0, settings.conversationsInState - already);
  const result = await closedLoop({
    url: target.url,
    concurrency: settings.concurrency,
    durationMs: settings.topUpLimitMs,
    maxConversations: missing,
    conversation: (n) => [diagnosisActivities(serviceUrl, 3_000_000 + n)[0]],
  });
  return already + result.conversations;
}

/** Waits for the connector to receive an activity that matches. */
function nextCall(
  connector: LoopbackConnector,
  what: string,
  matches: (call: ConnectorCall) => boolean,
  timeoutMs = 30_000,
): Promise<number> {
  return new Promise<number>((resolveCall, rejectCall) => {
    const previous = connector.onCall;
    const timer = setTimeout(() => {
      connector.onCall = previous;
      rejectCall(new Error(`${what} never arrived`));
    }, timeoutMs);
    connector.onCall = (call) => {
      previous?.(call);
      if (matches(call)) {
        clearTimeout(timer);
        connector.onCall = previous;
        resolveCall(performance.timeOrigin + performance.now());
      }
    };
  });
}

/** Files a request through the real dialogs, approves it, notes the pass as soon as it is shown. */
async function runResets(
  target: Target,
  serviceUrl: string,
  connector: LoopbackConnector,
  emulator: GraphEmulator,
  settings: BenchSettings,
): Promise<ResetResult> {
  const result: ResetResult = {
    approvedToDoneMs: [],
    graphReads: [],
    graphWrites: [],
    states: [],
    readsByRoute: {},
    graphHttpRequests: [],
    warmUpMs: Number.NaN,
  };
  for (let index = 0; index < WARM_UP_RESETS + settings.resets; index++) {
    const person = benchEmployee(DIAGNOSIS_EMPLOYEES + index);
    const chat = `a:personal-${person.id}`;
    const say = (input: { text?: string; value?: unknown }) =>
      expectOk(target.url, teamsMessage({ serviceUrl, user: person, ...input }), 'filing');
    await say({ text: 'こんにちは' });
    for (const choice of pathTo('work.request')) await say(submit(choice));
    await say({ text: '090-1234-5678' });
    await say({ value: { kind: 'intake', node: 'verification', value: 'video_call' } });
    await say({ text: '機種変更で番号が変わりました' });
    await say({ value: { kind: 'intake', node: 'confirm', value: 'submit' } });
    const { requestId, cardActivityId } = await target.call('openRequestOf', {
      aadObjectId: person.aadObjectId,
    });
    if (typeof requestId !== 'string' || typeof cardActivityId !== 'string') {
      throw new Error(`no request was filed and posted for ${person.name}`);
    }

    const passShown = nextCall(
      connector,
      'the pass card',
      (call) => call.conversationId === chat && visibleText(call.activity).includes('パス: '),
    );
    // The pass card first asks for the release code the approver reads out on the call.
    const codeAsked = nextCall(
      connector,
      'the release code prompt',
      (call) => call.conversationId === chat && visibleText(call.activity).includes('受け取りコード'),
    );
    emulator.clearRequests();
    const click = await postActivity(
      target.url,
      approveClick(serviceUrl, benchApprover(0), requestId, cardActivityId),
    );
    if (click.status !== 200) throw new Error(`the approval click answered ${click.status}`);
    const approvedAt = performance.timeOrigin + performance.now();
    const releaseCode = releaseCodeOn(JSON.parse(click.body) as { value?: unknown });
    const askedAt = await codeAsked;
    const typedAt = performance.timeOrigin + performance.now();
    await expectOk(
      target.url,
      teamsMessage({ serviceUrl, user: person, value: { kind: 'releaseCode', requestId, releaseCode } }),
      'typing the release code',
    );
    const shownAt = await passShown;
    const notedAt = performance.timeOrigin + performance.now();
    await expectOk(
      target.url,
      teamsMessage({ serviceUrl, user: person, value: { kind: 'passNoted', requestId } }),
      'noting the pass',
    );
    const settled = await target.call('waitState', { requestId, states: ['DONE', 'PARTIAL', 'FAILED'] });
    // Without the person's time: reading the code and noting the pass (both at once here).
    const approvedToDone = Number(settled.at) - approvedAt - (typedAt - askedAt) - (notedAt - shownAt);
    if (index < WARM_UP_RESETS) {
      result.warmUpMs = approvedToDone;
      continue;
    }
    result.approvedToDoneMs.push(approvedToDone);
    result.states.push(String(settled.state));
    const calls = emulator.graphRequests();
    const reads = calls.filter(isGraphRead);
    result.graphReads.push(reads.length);
    result.graphWrites.push(calls.length - reads.length);
    const batches = emulator.requestsFor('batch');
    const batched = batches.reduce(
      (sum, batch) => sum + ((batch.body as { requests?: unknown[] } | undefined)?.requests?.length ?? 0),
      0,
    );
    result.graphHttpRequests.push(calls.length - batched + batches.length);
    result.readsByRoute = {};
    for (const read of reads) result.readsByRoute[read.route] = (result.readsByRoute[read.route] ?? 0) + 1;
  }
  return result;
}

/** `approvers` approvers at once, each approving the next pending request as soon as the last is answered. */
async function runApprovals(
  target: Target,
  serviceUrl: string,
  settings: BenchSettings,
): Promise<LoadResult> {
  const first = DIAGNOSIS_EMPLOYEES + WARM_UP_RESETS + settings.resets;
  const requesters = Array.from({ length: settings.approvalRequests }, (_, i) => benchEmployee(first + i));
  const { requestIds } = await target.call('seedPending', { requesters });
  const queue = [...(requestIds as string[])];
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.approvers }, async (_, index) => {
      const approver = benchApprover(index);
      for (let requestId = queue.shift(); requestId !== undefined; requestId = queue.shift()) {
        const sent = performance.now();
        const { status, body } = await postActivity(
          target.url,
          approveClick(serviceUrl, approver, requestId),
        );
        latencies.push(performance.now() - sent);
        if (status !== 200 || !body.includes('"statusCode":200')) errors++;
      }
    }),
  );
  return summarise(latencies, (performance.now() - started) / 1000, errors, settings.approvalRequests);
}

function machine(): Record<string, string> {
  const cpu = cpus();
  return {
    cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `${osType()} ${release()}`,
    node: process.version,
  };
}

const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');

export async function runBench(
  settings: BenchSettings,
  log: (line: string) => void = () => undefined,
): Promise<BenchResults> {
  const loadBefore = loadAverage();
  const emulator = await startGraphEmulator({
    directory: benchDirectory(EMPLOYEES, Math.max(settings.approvers, 1)),
  });
  const connector = new LoopbackConnector({ keepCalls: false });
  const serviceUrl = await connector.start();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-'));
  const profile = settings.profileDir ? [`--cpu-prof`, `--cpu-prof-dir=${resolve(settings.profileDir)}`] : [];
  try {
    log('echo bot …');
    if (settings.compiled) compileTargets();
    const echoTarget = await Target.start(['echo'], { compiled: settings.compiled });
    log('helpdesk bot …');
    const bot = await Target.start(
      ['helpdesk', join(dir, 'bench.sqlite'), emulator.url, emulator.tenantId, 'serve'],
      { nodeOptions: [...settings.nodeOptions, ...profile], compiled: settings.compiled },
    );
    await expectOk(bot.url, botAddedToTeam(serviceUrl, benchApprover(0)), 'adding the bot to the team');
    log(`both, taking turns in ${SLICES} slices …`);
    const { echo, helpdesk } = await runSides(
      { echo: echoTarget, helpdesk: bot },
      serviceUrl,
      settings,
      emulator,
    );
    await echoTarget.stop();
    log('conversations in state …');
    const held = await topUpConversations(
      bot,
      serviceUrl,
      settings,
      helpdesk.concurrent.conversations + helpdesk.alone.conversations,
    );
    emulator.clearRequests();
    const { rss } = await bot.call('memory');
    log('resets …');
    const resets = await runResets(bot, serviceUrl, connector, emulator, settings);
    log('approvals …');
    const approvals = await runApprovals(bot, serviceUrl, settings);
    await bot.stop();

    log('sweep …');
    // Under the flags of `npm start`: the sweep must fit the heap production gives it.
    const sweeper = await Target.start(
      ['helpdesk', join(dir, 'sweep.sqlite'), emulator.url, emulator.tenantId, 'sweep'],
      { nodeOptions: settings.nodeOptions, compiled: settings.compiled },
    );
    // Seeded in chunks, so that filing them is not what runs out of heap (`--pending 50000`).
    for (let from = 0; from < settings.pendingToSweep; from += SEED_CHUNK) {
      const count = Math.min(SEED_CHUNK, settings.pendingToSweep - from);
      const requesters = Array.from({ length: count }, (_, k) => {
        const i = from + k;
        return {
          aadObjectId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
          id: `29:sweep-${i}`,
          name: `社員 ${i}`,
        };
      });
      await sweeper.call('seedPending', { requesters });
    }
    const swept = await sweeper.call('sweep');
    await sweeper.stop();

    return {
      machine: machine(),
      settings,
      echo,
      helpdesk,
      conversationsInState: held,
      rssWithConversationsBytes: Number(rss),
      approvals,
      resets,
      sweep: { pending: settings.pendingToSweep, ms: Number(swept.ms) },
      loadBefore,
      loadAfter: loadAverage(),
    };
  } finally {
    await connector.stop();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
