// The host firewall plan (pure): what reaches the host and what leaves through it.
import assert from "node:assert/strict";
import { test } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bridgePrefix, dnsResolvers, firewallRules, firewallRules6, instanceTag, NON_PUBLIC_RANGES } from "../../server/sandbox/docker/firewall";

const pool = "10.213.0.0/16";
const text = (rules: string[][]) => rules.map((r) => r.join(" "));

test("sandbox traffic to the host is dropped except answers; the chains are hooked by the sandbox bridges' names", () => {
  const { chains, hooks } = firewallRules({ tag: "abc", pool, egress: "allow", allow: [] });
  assert.deepEqual(text(chains["CP-abc-INPUT"]), [
    "-A CP-abc-INPUT ! -s 10.213.0.0/16 -j DROP",
    "-A CP-abc-INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    "-A CP-abc-INPUT -j DROP",
  ]);
  assert.deepEqual(
    hooks.map((h) => `${h.chain} ${h.rule.join(" ")}`),
    ["INPUT -i cpbabc+ -j CP-abc-INPUT", "DOCKER-USER -i cpbabc+ -j CP-abc-FORWARD"],
    "matched by interface: a spoofed source address cannot skip the chains",
  );
});

test("a source address outside the pool is dropped first (spoofing)", () => {
  const { chains } = firewallRules({ tag: "abc", pool, egress: "allow", allow: [{ cidr: "203.0.113.5/32" }] });
  for (const chain of ["CP-abc-INPUT", "CP-abc-FORWARD"]) {
    assert.equal(text(chains[chain])[0], `-A ${chain} ! -s 10.213.0.0/16 -j DROP`);
  }
});

test("egress allow: the public internet is reachable, nothing of the operator's is", () => {
  const forward = text(firewallRules({ tag: "abc", pool, egress: "allow", allow: [], hostNetworks: ["192.0.2.0/24"] }).chains["CP-abc-FORWARD"]);
  assert.ok(forward.includes("-A CP-abc-FORWARD -d 10.213.0.0/16 -j DROP"), "never another sandbox");
  for (const cidr of [...NON_PUBLIC_RANGES, "192.0.2.0/24"]) assert.ok(forward.includes(`-A CP-abc-FORWARD -d ${cidr} -j DROP`), `${cidr} dropped`);
  for (const cidr of ["169.254.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "224.0.0.0/4"]) assert.ok(NON_PUBLIC_RANGES.includes(cidr));
  assert.ok(!forward.includes("-A CP-abc-FORWARD -j DROP"), "the rest is left to Docker (public internet)");
});

test("the host's DNS servers stay reachable on port 53 in every egress mode", () => {
  for (const egress of ["allow", "deny", "allowlist"] as const) {
    const forward = text(firewallRules({ tag: "abc", pool, egress, allow: egress === "allowlist" ? [{ cidr: "10.0.0.5/32" }] : [], resolvers: ["10.255.255.53"] }).chains["CP-abc-FORWARD"]);
    const dns = forward.indexOf("-A CP-abc-FORWARD -d 10.255.255.53/32 -p udp --dport 53 -j RETURN");
    assert.ok(dns > 0, `${egress}: DNS open`);
    assert.ok(forward.includes("-A CP-abc-FORWARD -d 10.255.255.53/32 -p tcp --dport 53 -j RETURN"));
    assert.ok(dns < forward.findIndex((r) => r.endsWith("-j DROP") && !r.includes("! -s")), "before any drop");
  }
});

test("IPv6 from a sandbox bridge is dropped entirely", () => {
  assert.deepEqual(
    firewallRules6("abc").map((h) => `${h.chain} ${h.rule.join(" ")}`),
    ["INPUT -i cpbabc+ -j DROP", "FORWARD -i cpbabc+ -j DROP"],
  );
});

test("DNS servers come from resolv.conf, or systemd-resolved's list when it names only loopback", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-resolv-"));
  const etc = path.join(dir, "etc");
  const systemd = path.join(dir, "systemd");
  fs.writeFileSync(etc, "# comment\nnameserver 127.0.0.53\noptions edns0\n");
  fs.writeFileSync(systemd, "nameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver fe80::1\n");
  assert.deepEqual(dnsResolvers([etc, systemd]), ["10.0.0.2", "10.0.0.3"]);
  fs.writeFileSync(etc, "nameserver 192.0.2.53\n");
  assert.deepEqual(dnsResolvers([etc, systemd]), ["192.0.2.53"]);
  assert.deepEqual(dnsResolvers([path.join(dir, "missing")]), []);
  fs.rmSync(dir, { recursive: true });
});

test("egress deny drops everything new after the pool rule", () => {
  const forward = text(firewallRules({ tag: "abc", pool, egress: "deny", allow: [] }).chains["CP-abc-FORWARD"]);
  assert.equal(forward.at(-1), "-A CP-abc-FORWARD -j DROP");
  assert.equal(forward[1], "-A CP-abc-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN", "answers still flow");
});

test("an allow-list opens exactly its targets, on the host and beyond, before any drop", () => {
  const allow = [{ cidr: "192.168.1.10/32", port: 5000 }, { cidr: "203.0.113.0/24" }];
  const { chains } = firewallRules({ tag: "abc", pool, egress: "allowlist", allow });
  const input = text(chains["CP-abc-INPUT"]);
  const forward = text(chains["CP-abc-FORWARD"]);
  assert.deepEqual(input.slice(2, 4), [
    "-A CP-abc-INPUT -d 192.168.1.10/32 -p tcp --dport 5000 -j ACCEPT",
    "-A CP-abc-INPUT -d 203.0.113.0/24 -j ACCEPT",
  ]);
  assert.deepEqual(forward.slice(2, 4), [
    "-A CP-abc-FORWARD -d 192.168.1.10/32 -p tcp --dport 5000 -j RETURN",
    "-A CP-abc-FORWARD -d 203.0.113.0/24 -j RETURN",
  ]);
  assert.equal(forward.at(-1), "-A CP-abc-FORWARD -j DROP", "everything else is dropped");
});

test("host ports for the registry mirror are opened on the host only", () => {
  const { chains } = firewallRules({ tag: "abc", pool, egress: "deny", allow: [], hostPorts: [5000] });
  const input = text(chains["CP-abc-INPUT"]);
  assert.equal(input.at(-2), "-A CP-abc-INPUT -p tcp --dport 5000 -j ACCEPT");
  assert.ok(!text(chains["CP-abc-FORWARD"]).some((r) => r.includes("5000")), "nothing opens beyond the host");
});

test("each installation has chains and bridge names of its own", () => {
  const a = instanceTag("cp-test-one");
  const b = instanceTag("cp-test-two");
  assert.match(a, /^[a-z2-7]{3}$/);
  assert.notEqual(a, b);
  assert.equal(instanceTag("cp-test-one"), a, "stable across restarts");
  const ra = firewallRules({ tag: a, pool, egress: "allow", allow: [] });
  const rb = firewallRules({ tag: b, pool, egress: "deny", allow: [] });
  assert.deepEqual(Object.keys(ra.chains).filter((c) => c in rb.chains), [], "no chain is shared");
  assert.ok(ra.hooks.every((h) => h.rule.includes(`${bridgePrefix(a).slice(0, -1)}+`)), "hooks match only this installation's bridges");
  assert.ok(`${bridgePrefix(a)}abcdef`.length <= 15, "bridge names fit the kernel's 15 characters");
});
