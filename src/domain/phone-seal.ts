import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { ParsedPhone } from './phone';

/**
 * A new phone number while it waits in bot state for its request (the intake draft, a diagnosis
 * position): sealed with AES-256-GCM, so a full number is stored in the clear only on an open
 * request record (DESIGN.md section 3). Bot state is rewritten on every turn, and a store may keep
 * what it replaced (Azurite keeps overwritten blob bytes in its extent files; a disk keeps freed
 * pages), so the number must never be written to it readable.
 */
export interface SealedPhone {
  /** `v1.` and base64url of IV (12 bytes), ciphertext, GCM tag (16 bytes). */
  readonly sealed: string;
}

const HKDF_INFO = 'mfa-helpdesk-bot/bot-state/phone-seal/aes-256-gcm/v1';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The version is authenticated too, so a seal cannot be passed off as another scheme's. */
const AAD = Buffer.from(`mfa-helpdesk-bot phone seal ${VERSION}`, 'utf8');

const TEXT_FIELDS = ['e164', 'graph', 'international', 'national', 'countryCallingCode', 'region', 'lastTwo'];

export function isSealedPhone(value: unknown): value is SealedPhone {
  return (
    typeof value === 'object' && value !== null && typeof (value as { sealed?: unknown }).sealed === 'string'
  );
}

/**
 * Seals and opens numbers with a key derived (HKDF-SHA256, a label of its own) from the configured
 * secret (HELPDESK_AUDIT_KEY): every instance derives the same key, so the next turn may land on
 * any of them, and the key is used for nothing but this even though the secret also keys the audit
 * chain. A fresh random IV per seal, so the same number never seals to the same text.
 */
export class PhoneSeal {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  static fromSecret(secret: string): PhoneSeal {
    const derived = hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HKDF_INFO, 32);
    return new PhoneSeal(Buffer.from(derived));
  }

  seal(phone: ParsedPhone): SealedPhone {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(JSON.stringify(phone), 'utf8'), cipher.final()]);
    const bytes = Buffer.concat([iv, body, cipher.getAuthTag()]);
    return { sealed: `${VERSION}.${bytes.toString('base64url')}` };
  }

  /**
   * The number, or undefined when the seal does not open: sealed under another key (the secret was
   * changed), altered, or not a seal at all (a draft written before numbers were sealed).
   */
  open(value: unknown): ParsedPhone | undefined {
    if (!isSealedPhone(value)) return undefined;
    const [version, payload, ...rest] = value.sealed.split('.');
    if (version !== VERSION || payload === undefined || rest.length > 0) return undefined;
    const bytes = Buffer.from(payload, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(AAD);
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      const phone: unknown = JSON.parse(text);
      return isParsedPhone(phone) ? phone : undefined;
    } catch {
      // GCM refuses a wrong key and any altered byte alike; neither says anything about the number.
      return undefined;
    }
  }

  toJSON(): string {
    return '[PhoneSeal]';
  }
}

function isParsedPhone(value: unknown): value is ParsedPhone {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    TEXT_FIELDS.every((field) => typeof record[field] === 'string') &&
    (record.lineType === 'MOBILE' || record.lineType === 'FIXED_LINE_OR_MOBILE')
  );
}
