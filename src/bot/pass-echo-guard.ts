import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { registerTurnSecret } from '../../dialogs/turn-marks';

interface Remembered {
  digest: Buffer;
  length: number;
  untilMs: number;
}

/** Longer messages are not searched: nobody pastes a pass into an essay, and the search is per offset. */
const MAX_SEARCHED_CHARACTERS = 4000;

/**
 * People paste the pass they were shown back into the chat ("is this right? Xk7!p2Qd"). The pattern
 * rules cannot tell a pass from other text, so the pass shown to a person is remembered here, as a
 * keyed hash only and in this process's memory only (never in storage), until it expires; every
 * message from that person is searched for it, and a match is registered as the turn's secret, so
 * the transcript stores `[REDACTED]`.
 */
export class PassEchoGuard {
  /** Per process: the hashes are worthless outside it, and gone with it. */
  private readonly key = randomBytes(32);
  private readonly byUser = new Map<string, Remembered[]>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  remember(userAadObjectId: string, pass: string, expiresAt: string): void {
    const untilMs = Date.parse(expiresAt);
    if (pass.length === 0 || Number.isNaN(untilMs)) return;
    const user = userAadObjectId.toLowerCase();
    const kept = this.live(user);
    kept.push({ digest: this.digest(pass), length: pass.length, untilMs });
    this.byUser.set(user, kept);
  }

  /** Registers, as secrets of this turn, every remembered pass of the sender found in what they sent. */
  registerEchoes(context: TurnContext): void {
    const sender = context.activity.from?.aadObjectId;
    if (sender === undefined) return;
    const passes = this.live(sender.toLowerCase());
    if (passes.length === 0) return;
    for (const text of textsOf(context.activity.text, context.activity.value)) {
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

function textsOf(text: unknown, value: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (typeof node === 'string') found.push(node);
    else if (depth < 4 && Array.isArray(node)) node.forEach((child) => walk(child, depth + 1));
    else if (depth < 4 && node !== null && typeof node === 'object') {
      Object.values(node).forEach((child) => walk(child, depth + 1));
    }
  };
  walk(text, 0);
  walk(value, 0);
  return found;
}
