// The host firewall plan (pure): what reaches the host and what leaves through it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { firewallRules } from "../../server/sandbox/firewall";

const pool = "10.213.0.0/16";
const text = (rules: string[][]) => rules.map((r) => r.join(" "));

test("sandbox traffic to the host is dropped except answers; the chains are hooked for the pool only", () => {
  const { chains, hooks } = firewallRules({ pool, egress: "allow", allow: [] });
  assert.deepEqual(text(chains["CP-SANDBOX-INPUT"]), [
    "-A CP-SANDBOX-INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    "-A CP-SANDBOX-INPUT -j DROP",
  ]);
  assert.deepEqual(
    hooks.map((h) => `${h.chain} ${h.rule.join(" ")}`),
    ["INPUT -s 10.213.0.0/16 -j CP-SANDBOX-INPUT", "DOCKER-USER -s 10.213.0.0/16 -j CP-SANDBOX-FORWARD"],
  );
});

test("sandbox to sandbox is always dropped; egress allow leaves the rest to Docker", () => {
  const forward = text(firewallRules({ pool, egress: "allow", allow: [] }).chains["CP-SANDBOX-FORWARD"]);
  assert.ok(forward.includes("-A CP-SANDBOX-FORWARD -d 10.213.0.0/16 -j DROP"));
  assert.equal(forward.at(-1), "-A CP-SANDBOX-FORWARD -d 10.213.0.0/16 -j DROP", "nothing else is dropped");
});

test("egress deny drops everything new after the pool rule", () => {
  const forward = text(firewallRules({ pool, egress: "deny", allow: [] }).chains["CP-SANDBOX-FORWARD"]);
  assert.equal(forward.at(-1), "-A CP-SANDBOX-FORWARD -j DROP");
  assert.equal(forward[0], "-A CP-SANDBOX-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN", "answers still flow");
});

test("an allow-list opens exactly its targets, on the host and beyond, before any drop", () => {
  const allow = [{ cidr: "192.168.1.10/32", port: 5000 }, { cidr: "203.0.113.0/24" }];
  const { chains } = firewallRules({ pool, egress: "allowlist", allow });
  const input = text(chains["CP-SANDBOX-INPUT"]);
  const forward = text(chains["CP-SANDBOX-FORWARD"]);
  assert.deepEqual(input.slice(1, 3), [
    "-A CP-SANDBOX-INPUT -d 192.168.1.10/32 -p tcp --dport 5000 -j ACCEPT",
    "-A CP-SANDBOX-INPUT -d 203.0.113.0/24 -j ACCEPT",
  ]);
  assert.deepEqual(forward.slice(1, 3), [
    "-A CP-SANDBOX-FORWARD -d 192.168.1.10/32 -p tcp --dport 5000 -j RETURN",
    "-A CP-SANDBOX-FORWARD -d 203.0.113.0/24 -j RETURN",
  ]);
  assert.equal(forward.at(-1), "-A CP-SANDBOX-FORWARD -j DROP", "everything else is dropped");
});

test("host ports for the registry mirror are opened on the host only", () => {
  const { chains } = firewallRules({ pool, egress: "deny", allow: [], hostPorts: [5000] });
  const input = text(chains["CP-SANDBOX-INPUT"]);
  assert.equal(input.at(-2), "-A CP-SANDBOX-INPUT -p tcp --dport 5000 -j ACCEPT");
  assert.ok(!text(chains["CP-SANDBOX-FORWARD"]).some((r) => r.includes("5000")), "nothing opens beyond the host");
});
