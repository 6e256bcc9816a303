import { describe, expect, it } from 'vitest';
import { decidedText, lineMerges, loggedHunks, openHunks, undecided } from './text-hunk-choices';

const base = { uid: 'd', content: 'a\nb\nc\nd\ne', title: 'T' };
const local = { ...base, content: 'A\nb\nmine\nd\ne' };
const server = { ...base, content: 'a\nb\ntheirs\nd\nE', title: 'T2' };

describe('text hunk choices', () => {
  it('merges only long text fields both sides changed, and only with a base', () => {
    expect(lineMerges('documents', local, server, base).map((m) => m.field)).toEqual(['content']);
    expect(lineMerges('documents', local, server, null)).toEqual([]);
    expect(lineMerges('documents', base, server, base)).toEqual([]);
    expect(lineMerges('documents', local, { ...server, _deleted: true }, base)).toEqual([]);
  });

  it('builds the text from each decision and keeps both sides of an undecided hunk', () => {
    const [content] = lineMerges('documents', local, server, base);
    const choices = undecided(content!.merge);
    expect(openHunks(choices)).toBe(1);
    expect(decidedText(content!.merge, choices)).toBe('A\nb\nmine\ntheirs\nd\nE');
    expect(decidedText(content!.merge, [{ decision: 'server', edited: '' }])).toBe('A\nb\ntheirs\nd\nE');
    expect(decidedText(content!.merge, [{ decision: 'edited', edited: 'x\ny' }])).toBe('A\nb\nx\ny\nd\nE');
  });

  it('logs every hunk with its decision and result, or without one after a whole-text edit', () => {
    const [content] = lineMerges('documents', local, server, base);
    const hunk = { field: 'content', base_line: 2, base: ['c'], local: ['mine'], server: ['theirs'] };
    expect(loggedHunks(content!, [{ decision: 'both', edited: '' }])).toEqual([
      { ...hunk, decision: 'both', result: ['mine', 'theirs'] },
    ]);
    expect(loggedHunks(content!, 'local')).toEqual([{ ...hunk, decision: 'local', result: ['mine'] }]);
    expect(loggedHunks(content!, null)).toEqual([hunk]);
  });
});
