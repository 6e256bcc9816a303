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

describe('errorMessage with the details the server sends', () => {
  const tooLong = new ApiError(400, 'VALIDATION_FAILED', 'Invalid request: rows.0.title: Too big.', {
    issues: [
      { path: 'rows.0.title', kind: 'too_big', limit: 500, unit: 'characters' },
      { path: 'password', kind: 'too_small', limit: 1, unit: 'characters' },
      { path: 'status', kind: 'invalid_value', values: ['pending', 'completed'] },
      { path: 'rows.0.color', kind: 'other' },
    ],
  });

  it('names each bad field in Chinese, with its limit, instead of the English detail', () => {
    chinese();
    expect(errorMessage(tooLong)).toBe(
      '输入有误：「标题」太长：最多 500 个字符；「密码」不能为空；「状态」只能是以下之一：pending, completed；「color」的值无效',
    );
  });

  it("keeps the server's English sentence in English", () => {
    expect(errorMessage(tooLong)).toBe('Invalid request: rows.0.title: Too big.');
  });

  it('says a failure with a reason as its own sentence, with the values', () => {
    chinese();
    const taken = new ApiError(400, 'BAD_REQUEST', 'A user named "li" already exists; pick another name.', {
      reason: 'user_exists',
      params: { name: 'li' },
    });
    expect(errorMessage(taken)).toBe('已有名为「li」的用户，请换一个名字。');
    const uid = new SyncHttpError(409, 'CONFLICT', 'A task with uid "t1" already exists.', undefined, {
      reason: 'uid_exists',
      params: { collection: 'task', uid: 't1' },
    });
    expect(errorMessage(uid)).toBe('已存在相同 ID 的任务，请换一个 ID。');
  });

  it('falls back to the lead-in and the server text for a reason this app does not know', () => {
    chinese();
    const newer = new ApiError(400, 'BAD_REQUEST', 'Something new went wrong.', {
      reason: 'from_a_newer_server',
    });
    expect(errorMessage(newer)).toBe('请求被拒绝：Something new went wrong.');
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
