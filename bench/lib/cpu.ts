// CPU time from /proc, a steadier figure than wall time on a shared machine: the whole
// machine's (every process, PostgreSQL's backends included) and one process's (all threads).
import { readFileSync } from 'node:fs';
import { statFields } from './proc-stat.js';

/** Clock ticks per second of /proc's counters (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU-seconds the machine has spent busy since boot: user, nice, system, irq and softirq. */
function machineCpuSeconds(): number | null {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user! + nice! + system! + irq! + softirq!) / TICKS;
  } catch {
    return null;
  }
}

/** CPU-seconds (user and system, all threads) of process `pid` so far. */
function processCpuSeconds(pid: number): number | null {
  try {
    const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

/** What `work` cost: the machine's CPU-seconds and each listed process's, over its run. */
export async function cpuDuring<T>(
  pids: Record<string, number>,
  work: () => Promise<T>,
): Promise<{ result: T; machine: number | null; processes: Record<string, number | null> }> {
  const machineBefore = machineCpuSeconds();
  const before = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]),
  );
  const result = await work();
  const machineAfter = machineCpuSeconds();
  const processes = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => {
      const start = before[name];
      const end = processCpuSeconds(pid);
      return [name, start === null || start === undefined || end === null ? null : end - start];
    }),
  );
  return {
    result,
    machine: machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore,
    processes,
  };
}

/** "1.23 CPU-s", or "n/a" where /proc could not be read. */
export function formatCpu(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? 'n/a' : `${seconds.toFixed(2)} CPU-s`;
}
