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

/** A range the inner Docker must not use, and what it is (for the error message). */
export interface TakenRange {
  cidr: string;
  what: string;
}

/** What every sandbox's inner Docker must keep clear of, besides the host's own ranges. */
export function innerTakenRanges(sandboxPool: string, hostCidrs: string[]): TakenRange[] {
  return [
    { cidr: sandboxPool, what: "SANDBOX_SUBNET_POOL" },
    { cidr: "100.64.0.0/30", what: "the hardened profile's link to the learner namespace" },
    ...hostCidrs.map((cidr) => ({ cidr, what: "a network of this host" })),
  ];
}

/**
 * Why an explicit SANDBOX_INNER_POOL cannot be used, or null. It must not overlap the
 * sandbox networks, the link between a hardened sandbox and its learner namespace, or any
 * network of the host (an inner container could not reach a host-side service on a
 * colliding range).
 */
export function innerPoolConflict(innerPool: string, sandboxPool: string, hostCidrs: string[]): string | null {
  const pool = parseCidr(innerPool);
  if (pool.prefix > 24) return `SANDBOX_INNER_POOL ${innerPool} must be a /24 or larger (its first /24 is the inner default bridge)`;
  for (const { cidr, what } of innerTakenRanges(sandboxPool, hostCidrs)) {
    if (overlapsCidr(innerPool, cidr)) return `SANDBOX_INNER_POOL ${innerPool} overlaps ${cidr} (${what}); choose another range`;
  }
  return null;
}

/** The inner Docker's networks: its docker0 address and the pools `docker network create` draws from. */
export interface InnerNetworks {
  /** docker0's address with its prefix, as dockerd's --bip takes it (e.g. 172.17.0.1/16). */
  bip: string;
  /** dockerd's --default-address-pool entries. */
  pools: { base: string; size: number }[];
}

/**
 * Docker's own defaults (dockerd's built-in pools): docker0 on 172.17.0.0/16, then one /16
 * per network from 172.18 to 172.31, then /20s of 192.168.0.0/16. Lessons and imported
 * scenarios quote these addresses, so the inner Docker uses them too.
 */
function dockerDefaultSubnets(): Cidr[] {
  const sixteens = Array.from({ length: 15 }, (_, i) => parseCidr(`172.${17 + i}.0.0/16`));
  const twenties = Array.from({ length: 16 }, (_, i) => parseCidr(`192.168.${i * 16}.0/20`));
  return [...sixteens, ...twenties];
}

/**
 * The inner Docker's networks. With SANDBOX_INNER_POOL: its first /24 is docker0 and the
 * rest is carved in /24s (refused if it overlaps a taken range). Without: Docker's own
 * defaults, leaving out every default range that overlaps a taken one (a host network, an
 * allow-listed address, the sandbox pool), so such an address stays reachable.
 */
export function innerDockerNetworks(innerPool: string | undefined, sandboxPool: string, hostCidrs: string[]): InnerNetworks {
  if (innerPool) {
    const conflict = innerPoolConflict(innerPool, sandboxPool, hostCidrs);
    if (conflict) throw new Error(conflict);
    const pool = parseCidr(innerPool);
    return { bip: `${formatIp(pool.base + 1)}/24`, pools: [{ base: formatCidr(pool), size: 24 }] };
  }
  const taken = innerTakenRanges(sandboxPool, hostCidrs).map((t) => parseCidr(t.cidr, 32));
  const free = dockerDefaultSubnets().filter((c) => !taken.some((t) => overlaps(t, c)));
  if (free.length === 0) {
    throw new Error("every one of Docker's default address ranges (172.17-31.0.0/16, 192.168.0.0/16) overlaps a network of this host: set SANDBOX_INNER_POOL");
  }
  const all192 = free.filter((c) => c.prefix === 20).length === 16;
  const pools = [
    ...free.filter((c) => c.prefix === 16 || !all192).map((c) => ({ base: formatCidr(c), size: c.prefix })),
    ...(all192 ? [{ base: "192.168.0.0/16", size: 20 }] : []),
  ];
  return { bip: `${formatIp(free[0].base + 1)}/${free[0].prefix}`, pools };
}
