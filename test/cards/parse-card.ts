// The package's lib/ entry needs a DOM; its bundled build loads in Node.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js');

/** What the `adaptivecards` parser reports about a card: nothing for a card Teams will render. */
export function parseWarnings(card: object): string[] {
  const adaptiveCard = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  adaptiveCard.parse(card, context);
  const warnings: string[] = [];
  for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  const validation = adaptiveCard.validateProperties();
  for (const event of validation.validationEvents ?? []) warnings.push(event.message);
  return warnings;
}
