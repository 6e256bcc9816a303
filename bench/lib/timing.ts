export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

/** Logs the step a long benchmark is at, with the time, so a slow run shows where it is. */
export const logPhase = (what: string) =>
  console.log(`  · ${new Date().toISOString().slice(11, 19)} ${what}`);
