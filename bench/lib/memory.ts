// Peak resident memory (RSS) of processes: the kernel's high-water mark (VmHWM) for child
// processes, process.resourceUsage() for this one.
import { readdirSync, readFileSync } from 'node:fs';
import { statFields } from './proc-stat.js';

export function peakRssMiB(pid: number = process.pid): number | null {
  if (pid === process.pid) return process.resourceUsage().maxRSS / 1024;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resident memory now (VmRSS), for "before/after" figures of a long-running child. */
export function currentRssMiB(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Sum of the peak RSS of this process's child trees whose command matches `name`. */
export function childrenPeakRssMiB(name: RegExp): { total: number; processes: number } {
  let total = 0;
  let processes = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(statFields(stat)[1]);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (ppid !== process.pid || !name.test(comm)) continue;
      const tree = treePeakRssMiB(Number(entry));
      total += tree.total;
      processes += tree.processes;
    } catch {
      // exited meanwhile
    }
  }
  return { total, processes };
}

/** Sum of the peak RSS of a process and all its descendants (an upper bound of the tree's peak). */
export function treePeakRssMiB(rootPid: number): { total: number; processes: number } {
  return treeRssMiB(rootPid, peakRssMiB);
}

/** Sum of the resident memory now of a process and all its descendants. */
export function treeCurrentRssMiB(rootPid: number): { total: number; processes: number } {
  return treeRssMiB(rootPid, currentRssMiB);
}

function treeRssMiB(
  rootPid: number,
  read: (pid: number) => number | null,
): { total: number; processes: number } {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(statFields(stat)[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let current: number | undefined = pid; current && current > 1; current = parentOf.get(current))
      if (current === rootPid) return true;
    return false;
  };
  let total = 0;
  let processes = 0;
  for (const pid of parentOf.keys()) {
    if (!inTree(pid)) continue;
    const rss = read(pid);
    if (rss === null) continue;
    total += rss;
    processes++;
  }
  return { total, processes };
}

/** A figure in MiB for a table's notes; '?' when it could not be read. */
export const formatMiB = (value: number | null | undefined) =>
  value === null || value === undefined ? '?' : `${value.toFixed(0)} MiB`;
