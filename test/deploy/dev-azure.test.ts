/**
 * `npm run dev:azure` (issue 12): the real launcher starts the Graph emulator, Azurite, the bot and
 * both playgrounds; the README's walk-through ("Try it on a fresh machine", steps 1–4) then runs
 * against the bot with the activities the playgrounds send, and Ctrl+C leaves nothing running.
 *
 * The playgrounds' web pages are only checked to answer: what a person clicks in them is sent here
 * as the activity the playground would send (test/deploy/playground-activities.ts), to the bot's
 * /api/messages, with the answers going to a loopback connector instead of the playground.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config';
import { openStores } from '../../src/adapters/stores';
import { verifyChainAsync } from '../../src/domain/audit';
import { createLogger } from '../../src/log';
import type { Stores } from '../../src/ports/stores';
import { SANDBOX_BOT_PORT, sandboxEnvironment } from '../../deploy/local/sandbox';
import { azuriteConnectionString, azuriteEnvironment } from '../../tools/azurite/launch';
import { invokeCardText, releaseCodeOn, until } from '../support/approval-harness';
import { LoopbackConnector } from '../support/loopback-connector';
import { visibleText } from '../support/running-bot';
import {
  commandOf,
  descendantsOf,
  freeFixedPort,
  isAlive,
  portIsFree,
  startDevLauncher,
  untilAnswers,
  type DevLauncher,
} from './dev-launcher';
import {
  APPROVALS_CHANNEL,
  botAddedInApprovalsChannel,
  executedInChannel,
  filledInputs,
  newestButton,
  PLAYGROUND_HANAKO,
  PLAYGROUND_KEN,
  submitted,
  typed,
  type PlaygroundUser,
} from './playground-activities';

// Three ts-node processes and two playgrounds start at once; on a loaded machine that takes minutes.
jest.setTimeout(420_000);
const START_TIMEOUT_MS = 240_000;

const ROOT = join(__dirname, '..', '..');
const BOT_URL = `http://127.0.0.1:${SANDBOX_BOT_PORT}`;
const REPO_SANDBOX_SQLITE = join(ROOT, '.data', 'sandbox.sqlite');

function filesNamed(folder: string, name: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.startsWith(name))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('npm run dev:azure', () => {
  let dataDir: string;
  let connector: LoopbackConnector;
  let serviceUrl: string;
  let launcher: DevLauncher | undefined;
  let started: number[] = [];
  let playgroundPorts: number[] = [];
  let stores: Stores | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-dev-azure-'));
    // The bot's port is fixed (the README names it; it lies below the ephemeral range, so only
    // another sandbox running here would take it). The playgrounds' 56150 and 56151 lie inside that
    // range, where another suite's connections may hold them, so the test moves them.
    if (!(await portIsFree(SANDBOX_BOT_PORT))) {
      throw new Error(`port ${SANDBOX_BOT_PORT} is in use: is a sandbox running?`);
    }
    const employeePort = await freeFixedPort();
    playgroundPorts = [employeePort, await freeFixedPort([employeePort])];
    connector = new LoopbackConnector();
    serviceUrl = await connector.start();
  });

  afterAll(async () => {
    await stores?.close();
    // Only if the test failed half-way: nothing it started may outlive it (by process id only).
    if (launcher && launcher.child.exitCode === null && launcher.child.signalCode === null) {
      await launcher.interrupt(30_000).catch(() => undefined);
    }
    for (const pid of [launcher?.pid ?? -1, ...started]) {
      if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await connector?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown): Promise<Response> =>
    fetch(`${BOT_URL}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** A turn the bot must accept (HTTP 200); its replies are at the connector when it answers. */
  const turn = async (body: unknown): Promise<Response> => {
    const response = await post(body);
    if (response.status !== 200)
      throw new Error(`the bot answered ${response.status}: ${await response.text()}`);
    return response;
  };

  const chat = (user: PlaygroundUser): Array<Partial<Activity>> => connector.sentTo(user.personalChatId);
  const say = (user: PlaygroundUser, text: string): Promise<Response> => turn(typed(serviceUrl, user, text));
  /** The person presses the newest button of that title in their chat (with the card's inputs). */
  const press = async (user: PlaygroundUser, title: string, inputs: Record<string, string> = {}) => {
    const action = newestButton(chat(user), title);
    return turn(submitted(serviceUrl, user, { ...action.data, ...inputs }));
  };

  it("runs the README's employee → approver walk-through on Azurite, then stops everything on Ctrl+C", async () => {
    const repoSqliteBefore = existsSync(REPO_SANDBOX_SQLITE)
      ? statSync(REPO_SANDBOX_SQLITE).mtimeMs
      : undefined;
    launcher = startDevLauncher(['--azure'], {
      ...process.env,
      HELPDESK_DEV_DATA_DIR: dataDir,
      HELPDESK_DEV_PLAYGROUND_PORTS: playgroundPorts.join(','),
    });
    const [, graphUrl = ''] = await launcher.waitFor(/\[dev\] Graph emulator: (\S+)/, START_TIMEOUT_MS);
    const [, blobEndpoint = '', tableEndpoint = ''] = await launcher.waitFor(
      /\[dev\] Azurite: (\S+) \(blob\), (\S+) \(table\)/,
      START_TIMEOUT_MS,
    );
    await untilAnswers(`${BOT_URL}/healthz`, START_TIMEOUT_MS, (status) => status === 200);
    const ready = await untilAnswers(`${BOT_URL}/readyz`, 60_000, (status) => status === 200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { storage: { ok: true } } });
    for (const port of playgroundPorts) {
      expect((await untilAnswers(`http://localhost:${port}/`, START_TIMEOUT_MS)).status).toBe(200);
    }
    // Azurite, the bot and the two playgrounds (and whatever they started themselves).
    started = descendantsOf(launcher.pid);
    expect(started.length).toBeGreaterThanOrEqual(4);
    expect(launcher.output()).toContain('"storage":"azure"');

    // The same Azure store the bot opened, through the same factory: every read below is from Azurite.
    const config = loadConfig({
      ...sandboxEnvironment,
      HELPDESK_GRAPH_BASE_URL: graphUrl,
      AZURE_AUTHORITY_HOST: graphUrl,
      ...azuriteEnvironment({ connectionString: azuriteConnectionString(blobEndpoint, tableEndpoint) }),
    });
    stores = openStores(config, { logger: createLogger({ level: 'silent' }) });
    expect(stores.backend).toBe('azure');

    // 1. The approver opens the MFA 承認 channel: the bot is added to the team and learns the channel.
    await turn(botAddedInApprovalsChannel(serviceUrl, PLAYGROUND_KEN));

    // 2. The employee, in the personal chat.
    await say(PLAYGROUND_HANAKO, '電話番号が変わりました');
    for (const answer of ['手元にない・使えない', '会社のアカウントです', 'いいえ', '管理者ではない']) {
      await say(PLAYGROUND_HANAKO, answer);
    }
    await say(PLAYGROUND_HANAKO, '０９０－１２３４－５６７８');
    expect(visibleText(chat(PLAYGROUND_HANAKO).at(-2) ?? {})).toContain('090-1234-5678');
    await press(PLAYGROUND_HANAKO, 'Teams のビデオ通話');
    await say(PLAYGROUND_HANAKO, '機種変更で番号が変わりました');
    await press(PLAYGROUND_HANAKO, '申請する');
    const open = await stores.requests.findOpenByRequester(PLAYGROUND_HANAKO.aadObjectId);
    if (!open)
      throw new Error(`no request was filed:\n${chat(PLAYGROUND_HANAKO).map(visibleText).join('\n---\n')}`);
    const requestId = open.request.id;
    expect(open.request.newPhone?.national).toBe('090-1234-5678');

    // 3. The approver: the card is in MFA 承認; they choose how they verified the person and approve.
    const card = await until('the approval card in MFA 承認', () =>
      connector.sentTo(APPROVALS_CHANNEL.id).find((activity) => visibleText(activity).includes(requestId)),
    );
    const approve = newestButton([card], '承認');
    const inputs = filledInputs(card, { verificationMethod: 'video_call' });
    const click = await post(
      executedInChannel(serviceUrl, PLAYGROUND_KEN, card.id ?? '', approve.verb ?? '', {
        ...inputs,
        ...approve.data,
      }),
    );
    expect(click.status).toBe(200);
    const answered = (await click.json()) as { value?: unknown };
    const releaseCode = releaseCodeOn(answered);
    expect(invokeCardText(answered)).toContain('受け取りコード');

    // 4. The employee types the code read out on the call (lower case and spaces are fine), sees the
    // pass and notes it.
    await until(
      'the pass card asking for the release code',
      () =>
        chat(PLAYGROUND_HANAKO).some((activity) => visibleText(activity).includes('受け取りコード')) ||
        undefined,
    );
    await press(PLAYGROUND_HANAKO, '一時アクセス パスを表示', {
      releaseCode: releaseCode.toLowerCase().replace('-', ' '),
    });
    const pass = await until('the pass on the card', () =>
      connector
        .sentTo(PLAYGROUND_HANAKO.personalChatId)
        .map(visibleText)
        .map((text) => /一時アクセス パス: (\S+)/.exec(text)?.[1])
        .find((value) => value !== undefined),
    );
    expect(pass.length).toBeGreaterThanOrEqual(8);
    await press(PLAYGROUND_HANAKO, '書き留めました');
    const done = await until(
      'the request to be done',
      async () => {
        const stored = await stores?.requests.get(requestId);
        return stored?.request.state === 'DONE' ? stored.request : undefined;
      },
      60_000,
    );
    expect(done.state).toBe('DONE');
    // The number lives only on the open request; the record of a finished one keeps none of it.
    expect(JSON.stringify(done)).not.toContain('1234-5678');
    const audited = (await stores.audit.list({ requestId })).map((record) => record.type);
    expect(audited).toEqual(expect.arrayContaining(['request.created', 'request.approved']));
    expect((await verifyChainAsync(stores.audit.all(), config.auditKey)).ok).toBe(true);

    // Ctrl+C: the launcher stops every process it started, and itself.
    await stores.close();
    stores = undefined;
    const stopped = await launcher.interrupt(60_000);
    expect(stopped).toEqual({ code: 0, signal: null });
    await until(
      'every child of the launcher to exit',
      () => started.every((pid) => !isAlive(pid)) || undefined,
      30_000,
    ).catch(() => {
      throw new Error(`still running: ${started.filter(isAlive).map(commandOf).join('; ')}`);
    });

    // It ran on Azurite, in the test's data folder: no SQLite file there, and the checkout's own untouched.
    expect(existsSync(join(dataDir, 'azurite'))).toBe(true);
    expect(filesNamed(dataDir, 'sandbox.sqlite')).toEqual([]);
    expect(existsSync(REPO_SANDBOX_SQLITE) ? statSync(REPO_SANDBOX_SQLITE).mtimeMs : undefined).toBe(
      repoSqliteBefore,
    );
  });
});
