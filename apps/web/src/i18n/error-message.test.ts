// Failures read in the reader's language where the code says enough; the server's text stays
// where it names the thing to fix, and English keeps the server's own words.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { SyncHttpError } from '../sync/errors';
import { errorMessage } from './error-message';
import { i18n } from './index';

const chinese = () => (i18n.global.locale.value = 'zh-CN');
afterEach(() => (i18n.global.locale.value = 'en'));

describe('errorMessage', () => {
  it("keeps the server's English text in English", () => {
    const error = new ApiError(401, 'UNAUTHORIZED', 'The token is unknown, expired or revoked.');
    expect(errorMessage(error)).toBe('The token is unknown, expired or revoked.');
  });

  it('says what a self-explaining code means in Chinese', () => {
    chinese();
    expect(errorMessage(new ApiError(401, 'UNAUTHORIZED', 'The token is unknown.'))).toBe(
      '你尚未登录或登录已失效，请重新登录。',
    );
    expect(errorMessage(new SyncHttpError(429, 'TOO_MANY_REQUESTS', 'Slow down.'))).toBe(
      '请求过于频繁，请稍候再试。',
    );
    expect(errorMessage(new ApiError(0, 'NETWORK', 'The server cannot be reached.'))).toBe(
      '无法连接服务器，请检查网络连接。',
    );
  });

  it("keeps the server's detail after a Chinese lead-in when the code is generic", () => {
    chinese();
    const error = new ApiError(400, 'VALIDATION_FAILED', 'name: must be at most 80 characters');
    expect(errorMessage(error)).toBe('输入有误：name: must be at most 80 characters');
  });

  it("shows an unknown code's own text, and a plain error's message", () => {
    chinese();
    expect(errorMessage(new ApiError(418, 'TEAPOT', 'I am a teapot.'))).toBe('I am a teapot.');
    expect(errorMessage(new Error('Sync has not started yet.'))).toBe('Sync has not started yet.');
    expect(errorMessage('thrown string')).toBe('出了点问题，请重试。');
  });
});

describe('errorMessage with a meaning of its own for a code', () => {
  it('says the credentials are wrong on the sign-in form, in Chinese', () => {
    chinese();
    const error = new ApiError(401, 'UNAUTHORIZED', 'The name or the password is wrong.');
    expect(errorMessage(error, { UNAUTHORIZED: 'signIn.wrongPassword' })).toBe(
      '用户名或密码错误，请检查后重试。',
    );
  });

  it("keeps the server's English sentence in English", () => {
    const error = new ApiError(401, 'UNAUTHORIZED', 'The name or the password is wrong.');
    expect(errorMessage(error, { UNAUTHORIZED: 'signIn.wrongPassword' })).toBe(
      'The name or the password is wrong.',
    );
  });
});
