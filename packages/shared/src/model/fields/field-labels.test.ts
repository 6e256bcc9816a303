import { describe, expect, it } from 'vitest';
import { fieldLabel, isBookkeepingField } from './field-labels.js';

describe('field labels', () => {
  it('reads labels from the field tables and humanises the rest', () => {
    expect(fieldLabel('documents', 'content')).toBe('Text');
    expect(fieldLabel('documents', 'updated_at')).toBe('Updated at');
    expect(fieldLabel('documents', 'task_uid')).toBe('Written by task');
    expect(fieldLabel('tasks', 'sort_order')).toBe('Sort order');
    expect(fieldLabel('repositories', 'url')).toBe('URL');
  });

  it('marks ids, references, stamps and versions as bookkeeping, and content as not', () => {
    for (const field of ['uid', 'id', 'updated_at', 'created_at', 'version', 'repository_uid', '_deleted'])
      expect(isBookkeepingField('documents', field), field).toBe(true);
    for (const field of ['title', 'content', 'filename', 'sort_order', 'metadata'])
      expect(isBookkeepingField('documents', field), field).toBe(false);
  });
});
