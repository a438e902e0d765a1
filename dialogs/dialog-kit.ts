/**
 * The parts of botbuilder-dialogs this bot uses, each from its own module. The package's index also
 * loads every prompt and the Recognizers-Text libraries behind them (numbers, dates and choices in a
 * dozen cultures), which this bot never uses: measured here, 35 MB of resident memory and 17 MB of
 * heap on top of botbuilder, a sixth of what an idle instance holds. Shipped code imports dialogs
 * from here; the lint rule in eslint.config.mjs keeps it that way.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export {
  Dialog,
  DialogTurnStatus,
  type DialogInstance,
  type DialogTurnResult,
} from 'botbuilder-dialogs/lib/dialog';
export type { DialogContext, DialogState } from 'botbuilder-dialogs/lib/dialogContext';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
export type { WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext';
