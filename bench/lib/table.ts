// Result tables: our figure, the baseline's figure from the same run, and their ratio.

export interface Row {
  measure: string;
  ours: number;
  baseline: number | null;
  unit: string;
  /** How the ratio reads: "lower" means smaller is better (times), "higher" (throughput). */
  better: 'lower' | 'higher';
  target?: string;
  met?: boolean | null;
}

export interface Table {
  title: string;
  baselineName: string;
  rows: Row[];
  notes: string[];
  /** Raw markdown after the notes (query plans, code blocks). */
  details?: string[];
}

function format(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

export function ratio(row: Row): number | null {
  if (row.baseline === null || row.baseline === 0 || row.ours === 0) return null;
  return row.better === 'lower' ? row.ours / row.baseline : row.baseline / row.ours;
}

/** A markdown table (it prints readably in a terminal and pastes into bench/README.md). */
export function renderTable(table: Table): string {
  const lines = [
    `### ${table.title}`,
    '',
    `| measure | ours | ${table.baselineName} | ratio (ours ÷ baseline, time) | target | met |`,
    '|---|---:|---:|---:|---|---|',
  ];
  for (const row of table.rows) {
    const r = ratio(row);
    const met = row.met === undefined || row.met === null ? '' : row.met ? 'yes' : 'no';
    lines.push(
      `| ${row.measure} | ${format(row.ours, row.unit)} | ${format(row.baseline, row.unit)} | ${
        r === null ? '—' : `${r.toFixed(2)}×`
      } | ${row.target ?? ''} | ${met} |`,
    );
  }
  if (table.notes.length) lines.push('', ...table.notes.map((note) => `- ${note}`));
  if (table.details?.length) lines.push('', ...table.details);
  return lines.join('\n');
}
