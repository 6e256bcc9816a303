// Every message exists in both languages, none is empty, and every key a component asks for
// exists: a string added in English only, or a key mistyped in a template, fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPARED_FIELDS } from '@wikisync/shared';
import en from './messages/en';
import zhCN from './messages/zh-CN';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') found.set(path, value);
    else for (const [inner, text] of leaves(value, path)) found.set(inner, text);
  }
  return found;
}

function vueFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return vueFiles(path);
    return name.endsWith('.vue') ? [path] : [];
  });
}

const english = leaves(en);
const chinese = leaves(zhCN);

describe('messages', () => {
  it('has the same keys in English and Simplified Chinese', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('names every replicated field in both languages (the conflict dialog shows them all)', () => {
    const fields = new Set(Object.values(COMPARED_FIELDS).flat());
    const unnamed = [...fields].filter(
      (field) => !chinese.has(`fields.${field}`) || !english.has(`fields.${field}`),
    );
    expect(unnamed).toEqual([]);
  });

  it('has no empty message in either language', () => {
    const empty = [...english, ...chinese].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('keeps plural forms aligned: a key with choices has them in both languages', () => {
    const mismatched = [...english]
      .filter(([key, text]) => text.includes(' | ') !== (chinese.get(key) ?? '').includes(' | '))
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it("has every key that a .vue file asks for with t('…') or $t('…') in both languages", () => {
    const root = join(import.meta.dirname, '..');
    const used = new Map<string, string>();
    for (const file of vueFiles(root)) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\$?\bt\(\s*'([A-Za-z0-9_.]+)'/g)) used.set(match[1]!, file);
      for (const match of source.matchAll(/keypath="([A-Za-z0-9_.]+)"/g)) used.set(match[1]!, file);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used]
      .filter(([key]) => !english.has(key) || !chinese.has(key))
      .map(([key, file]) => `${key} (${file.slice(root.length + 1)})`);
    expect(missing).toEqual([]);
  });
});
