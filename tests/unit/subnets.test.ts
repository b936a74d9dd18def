import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCidr, freeSubnet, gatewayOf, parseCidr } from "../../server/sandbox/subnets";

test("CIDRs parse to their network address", () => {
  assert.equal(formatCidr(parseCidr("10.213.0.0/16")), "10.213.0.0/16");
  assert.equal(formatCidr(parseCidr("10.213.5.77/28")), "10.213.5.64/28");
  assert.throws(() => parseCidr("10.213.0.0"), /not an IPv4 CIDR/);
  assert.throws(() => parseCidr("300.1.1.1/16"), /not a usable/);
});

test("free subnets skip used and overlapping ranges, and run out", () => {
  const pool = parseCidr("10.213.0.0/26"); // room for four /28s
  const first = freeSubnet(pool, 28, [])!;
  assert.equal(formatCidr(first), "10.213.0.0/28");
  assert.equal(gatewayOf(first), "10.213.0.1");
  const used = [first, parseCidr("10.213.0.16/28")];
  assert.equal(formatCidr(freeSubnet(pool, 28, used)!), "10.213.0.32/28");
  assert.equal(formatCidr(freeSubnet(pool, 28, [parseCidr("10.213.0.0/27")])!), "10.213.0.32/28", "a larger used range blocks two");
  const full = [parseCidr("10.213.0.0/26")];
  assert.equal(freeSubnet(pool, 28, full), null);
  assert.equal(formatCidr(freeSubnet(pool, 28, [parseCidr("192.168.0.0/16")])!), "10.213.0.0/28", "ranges outside the pool do not matter");
});

test("the inner Docker pool must avoid the sandbox pool, the learner link and the host's networks", async () => {
  const { innerPoolConflict } = await import("../../server/sandbox/subnets");
  assert.equal(innerPoolConflict("10.250.0.0/16", "10.213.0.0/16", ["192.168.1.0/24", "172.17.0.0/16", "10.0.2.15/32"]), null);
  assert.match(innerPoolConflict("172.17.0.0/16", "10.213.0.0/16", ["172.17.0.0/16"]) ?? "", /overlaps 172\.17\.0\.0\/16 \(a network of this host\)/);
  assert.match(innerPoolConflict("10.213.128.0/20", "10.213.0.0/16", []) ?? "", /SANDBOX_SUBNET_POOL/);
  assert.match(innerPoolConflict("100.64.0.0/16", "10.213.0.0/16", []) ?? "", /link to the learner namespace/);
  assert.match(innerPoolConflict("10.250.0.0/28", "10.213.0.0/16", []) ?? "", /\/24 or larger/);
});

test("the inner Docker uses Docker's own default addresses, leaving out any that clash with what sandboxes reach", async () => {
  const { innerDockerNetworks } = await import("../../server/sandbox/subnets");
  // A host whose only network is a LAN elsewhere: exactly Docker's defaults.
  const plain = innerDockerNetworks(undefined, "10.213.0.0/16", ["192.0.2.0/24"]);
  assert.equal(plain.bip, "172.17.0.1/16");
  assert.deepEqual(plain.pools.slice(0, 2), [
    { base: "172.17.0.0/16", size: 16 },
    { base: "172.18.0.0/16", size: 16 },
  ]);
  assert.deepEqual(plain.pools.at(-1), { base: "192.168.0.0/16", size: 20 });
  assert.equal(plain.pools.length, 16);
  // A LAN on 172.17 and a DNS server at 192.168.1.1: docker0 moves to 172.18, and only the
  // /20 holding the resolver is left out.
  const lan = innerDockerNetworks(undefined, "10.213.0.0/16", ["172.17.5.0/24", "192.168.1.1/32"]);
  assert.equal(lan.bip, "172.18.0.1/16");
  assert.ok(!lan.pools.some((p) => p.base === "172.17.0.0/16"));
  assert.ok(!lan.pools.some((p) => p.base.startsWith("192.168.0.")), "the resolver's /20 is left out");
  assert.ok(lan.pools.some((p) => p.base === "192.168.16.0/20" && p.size === 20), "the other /20s stay");
  // A sandbox pool inside the defaults is never shadowed either.
  assert.ok(!innerDockerNetworks(undefined, "172.20.0.0/16", []).pools.some((p) => p.base === "172.20.0.0/16"));
  // Nothing left: a clear error naming the setting.
  assert.throws(() => innerDockerNetworks(undefined, "10.213.0.0/16", ["172.16.0.0/12", "192.168.0.0/16"]), /set SANDBOX_INNER_POOL/);
  // An explicit pool: its first /24 is docker0, networks are /24s; overlaps are refused.
  assert.deepEqual(innerDockerNetworks("10.250.0.0/16", "10.213.0.0/16", []), { bip: "10.250.0.1/24", pools: [{ base: "10.250.0.0/16", size: 24 }] });
  assert.throws(() => innerDockerNetworks("172.17.0.0/16", "10.213.0.0/16", ["172.17.0.0/16"]), /overlaps 172\.17\.0\.0\/16/);
});
