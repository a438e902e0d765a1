import { Writable } from 'node:stream';
import { createLogger, turnLogger } from '../src/log';
import { AppError } from '../src/errors';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      callback();
    },
  });
  return { lines, stream };
}

describe('the logger', () => {
  it('redacts phone numbers, passes and tokens in messages, fields and errors on every line', async () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'info', destination: stream, extraPatterns: [/EMP-\d{6}/g] });
    const turn = turnLogger(logger, { activityId: 'a1', conversationId: 'c1' });
    turn.info('typed 090-1234-5678 and ０９０－１２３４－５６７８');
    turn.info(
      { temporaryAccessPass: 'Xk7!p2Qd9Lm#', authorization: 'Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl' },
      'issued',
    );
    turn.warn(
      { err: new AppError('TIMEOUT', 'Graph timed out for +81 90 1234 5678', { requestId: 'r-1' }) },
      'failed',
    );
    turn.info({ note: 'employee EMP-123456 called' }, 'note');
    await new Promise((resolve) => setImmediate(resolve));
    const all = lines.join('\n');
    for (const secret of ['1234-5678', '１２３４', '90 1234', 'Xk7!p2Qd9Lm#', 'eyJhbGciOi', 'EMP-123456']) {
      expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(all).toContain('[phone •••78]');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.every((line) => typeof line.turnId === 'string' && line.activityId === 'a1')).toBe(true);
    expect(parsed[2]?.err).toMatchObject({ type: 'AppError', code: 'TIMEOUT', requestId: 'r-1' });
  });
});
