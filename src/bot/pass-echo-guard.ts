import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { registerTurnSecret } from '../../dialogs/turn-marks';
import { passShapedRuns } from '../domain/pass-shape';
import type { PassWindows } from '../ports/pass-windows';

interface Remembered {
  digest: Buffer;
  length: number;
  untilMs: number;
}

/** Longer messages are not searched: nobody pastes a pass into an essay, and the search is per offset. */
const MAX_SEARCHED_CHARACTERS = 4000;

/**
 * People paste the pass they were shown back into the chat ("is this right? Xk7!p2Qd"). The pattern
 * rules cannot tell a pass from other text, so two layers register it as the turn's secret (the
 * transcript stores `[REDACTED]`):
 *
 * - On the instance that showed it: the pass, as a keyed hash in this process's memory only, until
 *   it expires; every message from that person is searched for it, at any offset and any shape.
 * - On every instance (`PassWindows`, shared storage): only who was shown a pass and until when.
 *   While that window is open, every run of the sender's text that has the shape of a pass (see
 *   `passShapedRuns`) is redacted. Nothing derived from the pass is stored anywhere: a keyed hash in
 *   shared storage would let whoever holds the store and the key test guesses offline, and a pass of
 *   8 characters is within reach of that.
 */
export class PassEchoGuard {
  /** Per process: the hashes are worthless outside it, and gone with it. */
  private readonly key = randomBytes(32);
  private readonly byUser = new Map<string, Remembered[]>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    /** Shared by every instance on the store; without it only this process's memory is searched. */
    private readonly windows?: PassWindows,
  ) {}

  /** Call before the pass is shown, so a paste that reaches another instance at once is caught too. */
  async remember(userAadObjectId: string, pass: string, expiresAt: string): Promise<void> {
    const untilMs = Date.parse(expiresAt);
    if (pass.length === 0 || Number.isNaN(untilMs)) return;
    const user = userAadObjectId.toLowerCase();
    const kept = this.live(user);
    kept.push({ digest: this.digest(pass), length: pass.length, untilMs });
    this.byUser.set(user, kept);
    await this.windows?.open(user, new Date(untilMs));
  }

  /**
   * Registers, as secrets of this turn, every remembered pass of the sender found in what they sent
   * and, while a pass shown to them on any instance still works, every pass-shaped run of it.
   */
  async registerEchoes(context: TurnContext): Promise<void> {
    const sender = context.activity.from?.aadObjectId;
    if (sender === undefined) return;
    const texts = textsOf(context.activity.text, context.activity.value);
    this.registerRemembered(context, sender.toLowerCase(), texts);
    const typed = textsOf(context.activity.text, context.activity.value, CARD_FIELDS);
    const shaped = typed.flatMap((text) => passShapedRuns(text.slice(0, MAX_SEARCHED_CHARACTERS)));
    // Most messages hold nothing pass-shaped: they cost no storage read.
    if (shaped.length === 0 || this.windows === undefined) return;
    const until = await this.windows.openUntil(sender);
    if (until !== undefined && until.getTime() > this.now().getTime()) registerTurnSecret(context, ...shaped);
  }

  private registerRemembered(context: TurnContext, sender: string, texts: readonly string[]): void {
    const passes = this.live(sender);
    if (passes.length === 0) return;
    for (const text of texts) {
      const searched = text.slice(0, MAX_SEARCHED_CHARACTERS);
      for (const pass of passes) {
        for (let at = 0; at + pass.length <= searched.length; at++) {
          const candidate = searched.slice(at, at + pass.length);
          if (timingSafeEqual(this.digest(candidate), pass.digest)) registerTurnSecret(context, candidate);
        }
      }
    }
  }

  private live(user: string): Remembered[] {
    const nowMs = this.now().getTime();
    const kept = (this.byUser.get(user) ?? []).filter((entry) => entry.untilMs > nowMs);
    if (kept.length === 0) this.byUser.delete(user);
    else this.byUser.set(user, kept);
    return kept;
  }

  private digest(value: string): Buffer {
    return createHmac('sha256', this.key).update(value).digest();
  }
}

/** What our own cards put in a submit (which card, which request, which question): never typed by a person. */
const CARD_FIELDS: ReadonlySet<string> = new Set(['kind', 'requestId', 'node', 'verb']);

function textsOf(text: unknown, value: unknown, skipKeys: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (typeof node === 'string') found.push(node);
    else if (depth < 4 && Array.isArray(node)) node.forEach((child) => walk(child, depth + 1));
    else if (depth < 4 && node !== null && typeof node === 'object') {
      Object.entries(node).forEach(([key, child]) => {
        if (!skipKeys.has(key)) walk(child, depth + 1);
      });
    }
  };
  walk(text, 0);
  walk(value, 0);
  return found;
}
