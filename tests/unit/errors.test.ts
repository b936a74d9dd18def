import assert from "node:assert/strict";
import { test } from "node:test";
import { PlaygroundFailure, toFailure } from "../../server/sandbox/errors";

test("engine connection errors become engine_unavailable with a next step", () => {
  for (const code of ["ENOENT", "ECONNREFUSED", "EACCES"]) {
    const f = toFailure(Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code }));
    assert.equal(f.code, "engine_unavailable");
    assert.match(f.action, /Docker is running/);
    assert.match(f.detail ?? "", /docker\.sock/);
  }
});

test("memory exhaustion is named as such", () => {
  const f = toFailure(new Error("OCI runtime create failed: cannot allocate memory"));
  assert.equal(f.code, "out_of_memory");
  assert.match(f.message, /out of memory/);
});

test("anything else is an internal error that keeps its detail; failures pass through", () => {
  const f = toFailure({ json: { message: "conflict: name in use" } });
  assert.equal(f.code, "internal");
  assert.equal(f.detail, "conflict: name in use");
  const same = new PlaygroundFailure("no_sandbox", "m", "a");
  assert.equal(toFailure(same), same);
  assert.deepEqual(same.toJSON(), { code: "no_sandbox", message: "m", action: "a", detail: undefined });
});
