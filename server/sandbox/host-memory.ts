// The host's available memory (Linux MemAvailable: free memory plus what the kernel can
// reclaim without swapping), which decides whether one more sandbox fits. Engines that run
// sandboxes on this machine's kernel read it here.
import fs from "node:fs/promises";

/** MemAvailable from the text of /proc/meminfo, in bytes; null when it is not there. */
export function parseMemAvailable(meminfo: string): number | null {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : null;
}

/** This host's available memory in bytes, or null where /proc/meminfo cannot tell. */
export async function hostMemoryAvailable(): Promise<number | null> {
  return fs.readFile("/proc/meminfo", "utf8").then(parseMemAvailable, () => null);
}
