// Small subnets for per-sandbox networks, carved out of one configured pool (IPv4 only).
// Docker's default address pools hand out /16s (a few dozen networks); a /16 pool of /28s
// gives 4096 sandboxes room. Pure functions, unit-tested.

export interface Cidr {
  base: number; // network address as an unsigned 32-bit number
  prefix: number;
}

export function parseCidr(text: string, maxPrefix = 30): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) throw new Error(`not an IPv4 CIDR: ${text}`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > maxPrefix) throw new Error(`not a usable IPv4 CIDR: ${text}`);
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

export function overlapsCidr(a: string, b: string): boolean {
  return overlaps(parseCidr(a, 32), parseCidr(b, 32));
}

/**
 * Why the inner Docker's pool cannot be used, or null. It must not overlap the sandbox
 * networks, the link between a hardened sandbox and its learner namespace, or any network
 * of the host (an inner container could not reach a host-side service on a colliding range).
 */
export function innerPoolConflict(innerPool: string, sandboxPool: string, hostCidrs: string[]): string | null {
  const pool = parseCidr(innerPool);
  if (pool.prefix > 24) return `SANDBOX_INNER_POOL ${innerPool} must be a /24 or larger (its first /24 is the inner default bridge)`;
  const taken: [string, string][] = [
    [sandboxPool, "SANDBOX_SUBNET_POOL"],
    ["100.64.0.0/30", "the hardened profile's link to the learner namespace"],
    ...hostCidrs.map((c): [string, string] => [c, "a network of this host"]),
  ];
  for (const [cidr, what] of taken) {
    if (overlapsCidr(innerPool, cidr)) return `SANDBOX_INNER_POOL ${innerPool} overlaps ${cidr} (${what}); choose another range`;
  }
  return null;
}
