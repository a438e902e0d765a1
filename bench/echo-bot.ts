/**
 * The yardstick: botbuilder's echo bot as the samples write it (restify, CloudAdapter with anonymous
 * auth, MemoryStorage-backed conversation state holding a turn counter), nothing of the project's.
 */
import restify, { type Request, type Response } from 'restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
} from 'botbuilder';

export interface EchoBot {
  listen(): Promise<number>;
  close(): Promise<void>;
}

export function createEchoBot(): EchoBot {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const conversationState = new ConversationState(new MemoryStorage());
  const turns = conversationState.createProperty<number>('turns');
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const count = (await turns.get(context, 0)) + 1;
    await turns.set(context, count);
    const said = context.activity.text ?? JSON.stringify(context.activity.value ?? null);
    await context.sendActivity(`Echo ${count}: ${said}`);
    await next();
  });
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req, res, async (context) => {
      await bot.run(context);
      await conversationState.saveChanges(context, false);
    });
  });
  return {
    listen: () =>
      new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
