// Who is asking, as an address: the connection's peer, or, when that peer is a proxy named in
// TRUST_PROXY, the client it forwards for (X-Forwarded-For, read right to left, stopping at
// the first address that is not a trusted proxy). proxy-addr does exactly this for Express.
import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

export type AddressOf = (req: IncomingMessage) => string;

export function clientAddressResolver(trustProxy: string[]): AddressOf {
  const trust = proxyaddr.compile(trustProxy);
  return (req) => {
    if (!req.socket?.remoteAddress) return "unknown";
    return normalize(proxyaddr(req as Parameters<typeof proxyaddr>[0], trust));
  };
}

/** IPv4 in IPv6 form (::ffff:10.0.0.1) as plain IPv4, so one client has one key. */
function normalize(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** Whether the address is this machine (the only callers that see health details unasked). */
export function isLocalAddress(address: string): boolean {
  return address === "::1" || address.startsWith("127.");
}
