// The question before unsynced edits are discarded counts them in the reader's language.
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { discardEditsQuestion } from './use-sign-out';

afterEach(() => (i18n.global.locale.value = 'en'));

describe('discardEditsQuestion', () => {
  it('counts one edit and several edits in English', () => {
    expect(discardEditsQuestion(1)).toMatch(/^1 edit is not yet on the server\.\n\nOK: sign out/);
    expect(discardEditsQuestion(3)).toMatch(/^3 edits are not yet on the server\./);
  });

  it('asks in Chinese, saying what OK and Cancel do', () => {
    i18n.global.locale.value = 'zh-CN';
    const question = discardEditsQuestion(2);
    expect(question).toContain('有 2 处修改尚未上传到服务器。');
    expect(question).toContain('确定：退出登录并丢弃这些修改。');
    expect(question).toContain('取消：保持登录');
  });
});
