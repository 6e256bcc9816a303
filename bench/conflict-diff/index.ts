// 4. The conflict dialog's text work on one long document: the line diff it shows (jsdiff)
// against the hand-written LCS diff it replaced, and the line-level three-way merge the
// conflict handler runs (node-diff3). The changed-line count is a row of its own: a diff
// that gives up on a large text shows every line as changed.
import { diffLines } from '../../apps/web/src/utils/line-diff.js';
import { mergeText } from '../../apps/web/src/sync/text-merge.js';
import { diffLines as lcsDiffLines } from './lcs-line-diff.js';
import { median } from '../lib/timing.js';
import type { Row, Table } from '../lib/table.js';
import { defineSuite } from '../lib/suite.js';

const document = (length: number) => Array.from({ length }, (_, i) => `Line ${i}: some text of the guide.`);
/** The document with two one-line edits, near its start and its end. */
const twoEdits = (lines: string[]) =>
  lines.map((line, i) => (i === 10 || i === lines.length - 10 ? `${line} (edited)` : line));

function timeMs(work: () => unknown, samples: number): number {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return median(times);
}

const changedLines = (changes: { kind: string }[]) =>
  changes.filter((change) => change.kind !== 'same').length;

export const conflictDiff = defineSuite({
  name: 'conflict-diff',
  description: 'line diff and line merge of one long document, as the conflict dialog and handler do them',
  sizes: { quick: { samples: 5, baselineSamples: 2 }, full: { samples: 20, baselineSamples: 5 } },
  async run({ samples, baselineSamples }) {
    const rows: Row[] = [];
    for (const length of [1_500, 3_000]) {
      const before = document(length).join('\n');
      const after = twoEdits(document(length)).join('\n');
      const ours = timeMs(() => diffLines(before, after), samples);
      const baseline = timeMs(() => lcsDiffLines(before, after), baselineSamples);
      rows.push({
        measure: `line diff, ${length.toLocaleString('en')} lines, two edits`,
        ours,
        baseline,
        unit: 'ms',
        better: 'lower',
        target: length === 3_000 ? '< 50 ms' : undefined,
        met: length === 3_000 ? ours < 50 : undefined,
      });
      rows.push({
        measure: `changed lines shown, ${length.toLocaleString('en')} lines, two edits`,
        ours: changedLines(diffLines(before, after)),
        baseline: changedLines(lcsDiffLines(before, after)),
        unit: 'lines',
        better: 'lower',
        target: length === 3_000 ? '4' : undefined,
        met: length === 3_000 ? changedLines(diffLines(before, after)) === 4 : undefined,
      });
    }
    const base = document(3_000);
    const local = base.map((line, i) => (i === 100 ? `${line} (mine)` : line)).join('\n');
    const server = base.map((line, i) => (i === 2_900 ? `${line} (theirs)` : line)).join('\n');
    rows.push({
      measure: 'three-way line merge, 3,000 lines, one edit each side',
      ours: timeMs(() => mergeText(base.join('\n'), local, server), samples),
      baseline: null,
      unit: 'ms',
      better: 'lower',
    });
    const table: Table = {
      title: 'Conflict dialog: line diff and merge of one long document (median)',
      baselineName: 'hand-written LCS diff (before jsdiff)',
      rows,
      notes: [
        'The LCS baseline gives up past 4,000,000 table cells and shows the whole text as removed and added.',
        'The merge row has no baseline: before node-diff3 a long text changed on both sides was one conflict.',
      ],
    };
    return [table];
  },
});
