// Small subnets for per-sandbox networks, carved out of one configured pool (IPv4 only).
// Docker's default address pools hand out /16s (a few dozen networks); a /16 pool of /28s
// gives 4096 sandboxes room. Pure functions, unit-tested.

export interface Cidr {
  base: number; // network address as an unsigned 32-bit number
  prefix: number;
}

export function parseCidr(text: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) throw new Error(`not an IPv4 CIDR: ${text}`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 30) throw new Error(`not a usable IPv4 CIDR: ${text}`);
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), prefix };
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/** The first /`prefix` subnet of `pool` that overlaps none of `used`, or null when full. */
export function freeSubnet(pool: Cidr, prefix: number, used: Cidr[]): Cidr | null {
  if (prefix < pool.prefix || prefix > 30) throw new Error("subnet prefix must lie within the pool and leave room for hosts");
  const step = 2 ** (32 - prefix);
  const end = pool.base + 2 ** (32 - pool.prefix);
  for (let base = pool.base; base < end; base += step) {
    const candidate = { base, prefix };
    if (!used.some((u) => overlaps(u, candidate))) return candidate;
  }
  return null;
}

/** The gateway (first host) of a subnet. */
export function gatewayOf(c: Cidr): string {
  return formatIp(c.base + 1);
}
