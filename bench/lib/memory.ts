// Peak resident memory (RSS) of processes: the kernel's high-water mark (VmHWM) for child
// processes, process.resourceUsage() for this one.
import { readFileSync } from 'node:fs';

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
