import { statfs } from 'node:fs/promises';
import { loadavg } from 'node:os';

export interface SystemSnapshot {
  rssMb: number;
  heapUsedMb: number;
  /** Process CPU time over wall time since the previous snapshot (or since start), as a percentage of one core. */
  cpuPercent: number;
  loadAverage: number[];
  /** Free space on the file system holding `diskPath`; null when it cannot be read. */
  diskFreePercent: number | null;
}

const MB = 1024 * 1024;

/** Process and host figures for performanceStats. */
export function createSystemStats(diskPath: string): { snapshot(): Promise<SystemSnapshot> } {
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  const startCpu = lastCpu;
  const startAt = lastAt;
  return {
    async snapshot() {
      const now = performance.now();
      const cpu = process.cpuUsage();
      // A window shorter than a second is noise: measure from start instead.
      const [fromCpu, fromAt] = now - lastAt >= 1000 ? [lastCpu, lastAt] : [startCpu, startAt];
      const used = (cpu.user - fromCpu.user + cpu.system - fromCpu.system) / 1000;
      const cpuPercent = now > fromAt ? (100 * used) / (now - fromAt) : 0;
      if (now - lastAt >= 1000) {
        lastCpu = cpu;
        lastAt = now;
      }
      const mem = process.memoryUsage();
      let diskFreePercent: number | null = null;
      try {
        const fs = await statfs(diskPath);
        diskFreePercent = fs.blocks > 0 ? (100 * fs.bavail) / fs.blocks : null;
      } catch {
        diskFreePercent = null;
      }
      return {
        rssMb: mem.rss / MB,
        heapUsedMb: mem.heapUsed / MB,
        cpuPercent,
        loadAverage: loadavg(),
        diskFreePercent,
      };
    },
  };
}
