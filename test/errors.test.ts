import { AppError, isAppError } from '../src/errors';

describe('AppError', () => {
  it('carries its code, request id and details', () => {
    const error = new AppError('THROTTLED', 'slow down', { requestId: 'r-1', details: ['a'] });
    expect(isAppError(error, 'THROTTLED')).toBe(true);
    expect(isAppError(error, 'NOT_FOUND')).toBe(false);
    expect(error.requestId).toBe('r-1');
    expect(error.details).toEqual(['a']);
  });

  it('is not confused with a plain Error', () => {
    expect(isAppError(new Error('x'))).toBe(false);
  });
});
