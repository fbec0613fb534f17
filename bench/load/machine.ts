// The whole machine's CPU over a window (from /proc/stat), so a run can say how much of it went to
// processes other than the server and the generator: on a shared machine, that is what starves both.

import { readFileSync } from 'node:fs';

function cpuTicks(): { busy: number; total: number; cores: number } {
  const stat = readFileSync('/proc/stat', 'utf8');
  // cpu  user nice system idle iowait irq softirq steal ...; idle and iowait are not busy.
  const fields = stat.split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total, cores: stat.match(/^cpu\d+ /gm)?.length ?? 1 };
}

export interface MachineReading {
  readonly cores: number;
  /** Cores' worth of CPU busy over the window, every process together. */
  readonly busyCores: number;
}

export class MachineMeter {
  private readonly before = cpuTicks();

  read(): MachineReading {
    const now = cpuTicks();
    const total = now.total - this.before.total;
    return { cores: now.cores, busyCores: total > 0 ? ((now.busy - this.before.busy) / total) * now.cores : NaN };
  }
}
