// The secret box as a table: what seals and opens, and each way a stored secret can fail to
// open, with the message that tells the operator what to do.
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../errors.js';
import { createSecretBox } from './secret-box.js';

const KEY = 'server-secret-key';

describe('createSecretBox', () => {
  it.each(['a-token', '', 'ünïcödé ✓ secret', 'x'.repeat(10_000)])('opens what it sealed: %j', (plain) => {
    const box = createSecretBox(KEY);
    expect(box.open(box.seal(plain))).toBe(plain);
  });

  it('seals the same secret differently each time, and never in the clear', () => {
    const box = createSecretBox(KEY);
    const first = box.seal('peer-token');
    const second = box.seal('peer-token');
    expect(first).not.toBe(second);
    expect(first).not.toContain('peer-token');
    expect(first.split('.')).toHaveLength(4);
    expect(first.startsWith('v1.')).toBe(true);
  });

  it('opens with another box on the same key (e.g. after a restart)', () => {
    expect(createSecretBox(KEY).open(createSecretBox(KEY).seal('kept'))).toBe('kept');
  });

  const sealed = createSecretBox(KEY).seal('peer-token');
  const [version, iv, tag, body] = sealed.split('.') as [string, string, string, string];
  const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);

  const failures: Array<[what: string, key: string | undefined, stored: string, message: RegExp]> = [
    ['another key', 'other-key', sealed, /cannot be opened with the current SYNC_SECRET_KEY/],
    ['a changed body', KEY, [version, iv, tag, flip(body)].join('.'), /cannot be opened/],
    ['a changed tag', KEY, [version, iv, flip(tag), body].join('.'), /cannot be opened/],
    ['a changed iv', KEY, [version, flip(iv), tag, body].join('.'), /cannot be opened/],
    ['an unknown version', KEY, ['v2', iv, tag, body].join('.'), /unreadable; save it again/],
    ['a missing part', KEY, [version, iv, tag].join('.'), /unreadable/],
    ['not a sealed secret', KEY, 'plain-text-token', /unreadable/],
    ['no key configured', undefined, sealed, /set SYNC_SECRET_KEY/],
  ];

  it.each(failures)('refuses %s', (_what, key, stored, message) => {
    const open = () => createSecretBox(key).open(stored);
    expect(open).toThrow(BadRequestError);
    expect(open).toThrow(message);
  });

  it.each([undefined, ''])('cannot seal without a key (%j)', (key) => {
    expect(() => createSecretBox(key).seal('x')).toThrow(/set SYNC_SECRET_KEY \(or ADMIN_TOKEN\)/);
  });
});
