import { parsePhoneNumber, type ParsedPhone } from '../../src/domain/phone';
import { isSealedPhone, PhoneSeal, type SealedPhone } from '../../src/domain/phone-seal';

const SECRET = 'test-audit-key-0123456789abcdef0123456789';

function parsed(text: string): ParsedPhone {
  const result = parsePhoneNumber(text, 'JP');
  if (!result.ok) throw new Error(`not a number: ${text}`);
  return result.phone;
}

const PHONE = parsed('090-1234-5678');

/**
 * Every run of five or more digits of the number as people and systems write it (090…, 8190…),
 * and every written form: none may show in what bot state keeps. Five digits, because a seal is
 * base64url and may hold a short digit run by chance; the forms cover the 4-digit groups.
 */
function traces(phone: ParsedPhone): string[] {
  const runs = new Set<string>();
  for (const digits of [phone.national.replace(/\D/g, ''), phone.e164.replace(/\D/g, '')]) {
    for (let length = 5; length <= digits.length; length++) {
      for (let start = 0; start + length <= digits.length; start++)
        runs.add(digits.slice(start, start + length));
    }
  }
  return [...runs, phone.national, phone.international, phone.graph, phone.e164, '1234-5678', '090-1234'];
}

/** The seal with one byte of its payload (IV, ciphertext or tag) flipped. */
function altered(sealed: SealedPhone, at: number): SealedPhone {
  const bytes = Buffer.from(sealed.sealed.slice('v1.'.length), 'base64url');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return { sealed: `v1.${bytes.toString('base64url')}` };
}

describe('PhoneSeal', () => {
  const seal = PhoneSeal.fromSecret(SECRET);

  it('opens what it sealed, with the same key derived on another instance', () => {
    const sealed = seal.seal(PHONE);
    expect(isSealedPhone(sealed)).toBe(true);
    expect(seal.open(sealed)).toEqual(PHONE);
    expect(PhoneSeal.fromSecret(SECRET).open(JSON.parse(JSON.stringify(sealed)))).toEqual(PHONE);
  });

  it.each([['090-1234-5678'], ['０９０－１２３４－５６７８'], ['+81 80 9876 5432'], ['+1 206 555 0100']])(
    'a sealed draft holds no digit run of %s',
    (typed) => {
      const phone = parsePhoneNumber(typed, 'JP').ok ? parsed(typed) : undefined;
      if (!phone) throw new Error(`not a number: ${typed}`);
      const draft = JSON.stringify({ stage: 'verification', phone: seal.seal(phone) });
      for (const trace of traces(phone))
        expect({ trace, found: draft.includes(trace) }).toEqual({ trace, found: false });
    },
  );

  it('seals the same number differently every time (a random IV per seal)', () => {
    const seals = new Set(Array.from({ length: 20 }, () => seal.seal(PHONE).sealed));
    expect(seals.size).toBe(20);
  });

  it('refuses a seal with any byte altered', () => {
    const sealed = seal.seal(PHONE);
    const length = Buffer.from(sealed.sealed.slice('v1.'.length), 'base64url').length;
    // The IV (0–11), the ciphertext and the tag (the last 16): GCM authenticates all of them.
    for (let at = 0; at < length; at++) {
      expect({ at, opened: seal.open(altered(sealed, at)) }).toEqual({ at, opened: undefined });
    }
  });

  it('refuses a seal cut short, lengthened, of another version or of another key', () => {
    const sealed = seal.seal(PHONE).sealed;
    for (const value of [
      sealed.slice(0, -4),
      `${sealed}AAAA`,
      sealed.replace(/^v1\./, 'v2.'),
      `${sealed}.extra`,
      'v1.',
    ]) {
      expect(seal.open({ sealed: value })).toBeUndefined();
    }
    expect(PhoneSeal.fromSecret(`${SECRET}-rotated`).open({ sealed })).toBeUndefined();
  });

  it('opens nothing that is not a seal: a number stored before numbers were sealed, or junk', () => {
    for (const value of [PHONE, undefined, null, 'v1.abc', { sealed: 42 }, {}]) {
      expect(seal.open(value)).toBeUndefined();
    }
  });

  it('never shows its key when logged or serialised', () => {
    expect(JSON.stringify({ seal })).toBe('{"seal":"[PhoneSeal]"}');
    expect(Object.keys(seal)).toEqual([]);
  });
});
