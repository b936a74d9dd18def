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
