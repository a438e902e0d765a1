import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Config } from './config';
import { AppError } from './errors';

/**
 * CloudAdapter whose `processActivity` the server may call directly. Its own `process` answers
 * failures with a 500 carrying the error text and prints to the console; the server needs to choose
 * the status and log through the redacting logger instead.
 */
export class HelpdeskAdapter extends CloudAdapter {
  processChecked(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export function createAdapter(config: Config): HelpdeskAdapter {
  // An empty app id makes botframework-connector skip the JWT check; loadConfig refuses that
  // outside the sandbox, and a config built any other way must not get round it.
  if (!config.sandbox && (config.bot.anonymous || config.bot.appId === '')) {
    throw new AppError(
      'CONFIG_INVALID',
      'Anonymous Bot Framework auth is allowed only with HELPDESK_SANDBOX=true',
      { details: ['MicrosoftAppId'] },
    );
  }
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.appTenantId,
  });
  return new HelpdeskAdapter(auth);
}

/** Authentication failures from botframework-connector carry an HTTP status code. */
export function isAuthenticationFailure(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return status === 401 || status === 403;
}
