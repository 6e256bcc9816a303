// @vitest-environment jsdom
// The progress card in the reader's language: a Chinese browser reads the agreed terms, and
// switching back to English restores the wording the browser tests match on.
import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { InstanceSyncStatus } from '@wikisync/shared';
import { setLocale } from '../../i18n';
import SyncProgress from './SyncProgress.vue';

const status: InstanceSyncStatus = {
  sync_id: 's1',
  repository_id: 1,
  total_tasks: 4,
  completed_tasks: 1,
  failed_tasks: 1,
  status: 'in_progress',
  current_task: 'Getting started',
  started_at: '2026-12-01T06:00:00Z',
  updated_at: '2026-12-01T06:00:05Z',
  progress: 50,
  error: null,
};

afterEach(() => setLocale('en'));

describe('SyncProgress', () => {
  it('speaks Simplified Chinese when the locale is zh-CN', () => {
    setLocale('zh-CN');
    const wrapper = mount(SyncProgress, { props: { status } });
    const text = wrapper.text();
    expect(text).toContain('同步进度');
    expect(text).toContain('当前任务');
    expect(wrapper.find('[data-test="progress-status"]').text()).toBe('进行中');
    expect(text).toContain('1 项失败');
    expect(wrapper.find('[data-test="cancel-sync"]').text()).toBe('取消');
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('changes language at once when the locale changes', async () => {
    const wrapper = mount(SyncProgress, { props: { status } });
    expect(wrapper.find('[data-test="cancel-sync"]').text()).toBe('Cancel');
    setLocale('zh-CN');
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-test="cancel-sync"]').text()).toBe('取消');
    expect(localStorage.getItem('wikisync.locale')).toBe('zh-CN');
  });
});
