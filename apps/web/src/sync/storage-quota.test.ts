import { describe, expect, it } from 'vitest';
import { isQuotaExceeded } from './storage-quota';

describe('isQuotaExceeded', () => {
  const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  it.each([
    ['the DOMException itself', quota],
    ['wrapped by Dexie in `inner`', { name: 'AbortError', inner: quota }],
    ['in an RxDB write error', { code: 'RC_PULL', parameters: { writeError: { error: quota } } }],
    ['in RxDB errors[]', { parameters: { errors: [{ name: 'QuotaExceededError', message: 'full' }] } }],
    ['as a cause', new Error('write failed', { cause: quota })],
  ])('finds it %s', (_, error) => {
    expect(isQuotaExceeded(error)).toBe(true);
  });

  it('does not mistake other failures for it', () => {
    expect(isQuotaExceeded(new DOMException('gone', 'AbortError'))).toBe(false);
    expect(isQuotaExceeded({ code: 'RC_PULL', parameters: { errors: [{ message: 'network' }] } })).toBe(
      false,
    );
    expect(isQuotaExceeded(null)).toBe(false);
  });
});
