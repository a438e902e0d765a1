import { buildApp, type App } from '../../src/app';
import { transition } from '../../src/domain/request-lifecycle';
import type { ResetRequest } from '../../src/domain/reset-request';
import type { Directory } from '../../src/ports/directory';
import { FakeDirectory } from '../fakes/fake-directory';
import { Conversation } from '../support/conversation';
import { pathTo, submit } from '../support/diagnosis-paths';
import { HANAKO, MISAKI } from '../support/teams-activity';
import { DEMO, testConfig } from '../support/test-config';

export const KEN_ACTOR = { id: DEMO.users.ken, name: '佐藤 健' };

export interface ReviewData {
  app: App;
  /** Filed by 山田 花子 through the real dialogs, approved by 佐藤 健, reset DONE. */
  doneId: string;
  /** 田中 美咲's request, filed through the dialogs and still PENDING. */
  pendingId: string;
}

/**
 * A database with realistic review data: requests filed by driving the real bot (so the transcripts
 * and `request.created` records are the bot's own), then decided and executed through the ports the
 * approval handler and executor use. 田中 美咲 also solves a problem herself first.
 */
export async function seedReviewData(
  dbPath = ':memory:',
  directory: Directory = new FakeDirectory(),
  clock: () => Date = () => new Date(),
): Promise<ReviewData> {
  const app = buildApp(testConfig({ HELPDESK_SQLITE_PATH: dbPath }), {
    directory,
    createWorker: null,
    now: clock,
  });
  const hanako = new Conversation(app, HANAKO);
  hanako.adapter.use(app.transcriptLogging);
  const doneId = await fileThroughDialogs(app, hanako, HANAKO.aadObjectId, '090-1234-5678');

  const misaki = new Conversation(app, MISAKI);
  misaki.adapter.use(app.transcriptLogging);
  await misaki.say('こんにちは');
  for (const choice of pathTo('end.resolved')) await misaki.say(submit(choice));
  const pendingId = await fileThroughDialogs(app, misaki, MISAKI.aadObjectId, '080-2345-6789');
  await app.transcriptLogging.drain();

  const stored = await app.requests.get(doneId);
  if (!stored) throw new Error('the filed request is missing');
  const decidedAt = new Date(Date.parse(stored.request.createdAt) + 12 * 60_000);
  let request: ResetRequest = transition(
    {
      ...stored.request,
      decision: {
        approver: KEN_ACTOR,
        at: decidedAt.toISOString(),
        verificationMethod: 'video_call',
        action: 're_register',
        methodTypes: ['phone', 'microsoftAuthenticator', 'softwareOath'],
        tapLifetimeMinutes: 60,
      },
    },
    'APPROVED',
    KEN_ACTOR,
    decidedAt,
  );
  let saved = await app.requests.update(request, stored.eTag);
  await app.audit.append({
    type: 'request.approved',
    requestId: doneId,
    actor: KEN_ACTOR,
    data: { verificationMethod: 'video_call', action: 're_register' },
  });
  const running = new Date(decidedAt.getTime() + 1_000);
  request = {
    ...transition(saved.request, 'EXECUTING', KEN_ACTOR, running),
    execution: {
      steps: [
        {
          name: 'deleteMethods',
          status: 'succeeded',
          at: running.toISOString(),
          graphRequestId: 'g-1',
          changed: true,
        },
        {
          name: 'createTap',
          status: 'succeeded',
          at: running.toISOString(),
          graphRequestId: 'g-2',
          changed: true,
        },
      ],
    },
  };
  saved = await app.requests.update(request, saved.eTag);
  await app.audit.append({
    type: 'graph.step',
    requestId: doneId,
    actor: null,
    data: { step: 'deleteMethods', outcome: 'succeeded', graphRequestId: 'g-1' },
  });
  const doneAt = new Date(decidedAt.getTime() + 3 * 60_000);
  await app.requests.update(transition(saved.request, 'DONE', KEN_ACTOR, doneAt), saved.eTag);
  await app.audit.append({
    type: 'request.settled',
    requestId: doneId,
    actor: null,
    data: { state: 'DONE' },
  });
  return { app, doneId, pendingId };
}

async function fileThroughDialogs(
  app: App,
  chat: Conversation,
  aadObjectId: string,
  phone: string,
): Promise<string> {
  await chat.say('こんにちは');
  for (const choice of pathTo('work.request')) await chat.say(submit(choice));
  await chat.say(phone);
  await chat.say({ value: { kind: 'intake', node: 'verification', value: 'video_call' } });
  await chat.say('機種変更で番号が変わりました');
  await chat.say({ value: { kind: 'intake', node: 'confirm', value: 'submit' } });
  const open = await app.requests.findOpenByRequester(aadObjectId);
  if (!open) throw new Error('no request was filed');
  return open.request.id;
}
