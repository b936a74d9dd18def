// The LXD driver over HTTPS with a client certificate, as it talks to a remote LXD host or a
// cluster member (LXD_URL): the local LXD listens on loopback for this test, trusts a client
// certificate made here, and the driver contract runs through that address, with LXD's own
// certificate as the only one trusted. Clusters themselves are not exercised here.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import { driverContract } from "../contract/driver-contract";
import { TEST_RUN_PREFIX } from "../helpers/env";
import { lxdTestConfig, testLxdDriver } from "../helpers/lxd";

const ADDRESS = "127.0.0.1:8443";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEST_RUN_PREFIX}lxd-remote-`));
const cert = path.join(dir, "client.crt");
const key = path.join(dir, "client.key");
let fingerprint = "";
let listenedBefore = "";

const lxc = (...args: string[]) => execFileSync("lxc", args, { encoding: "utf8" }).trim();

before(() => {
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1", "-nodes", "-days", "1", "-subj", `/CN=${TEST_RUN_PREFIX}remote`, "-keyout", key, "-out", cert], { stdio: "pipe" });
  fingerprint = execFileSync("openssl", ["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" }).split("=")[1].replace(/:/g, "").trim().toLowerCase();
  listenedBefore = lxc("config", "get", "core.https_address");
  if (!listenedBefore) lxc("config", "set", "core.https_address", ADDRESS);
  lxc("config", "trust", "add", cert);
});

after(() => {
  try {
    lxc("config", "trust", "remove", fingerprint);
  } finally {
    if (!listenedBefore) lxc("config", "unset", "core.https_address");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

driverContract("lxd over HTTPS with a client certificate", async () => {
  const address = listenedBefore || ADDRESS;
  const driver = await testLxdDriver(
    lxdTestConfig({ LXD_URL: `https://${address}`, LXD_CLIENT_CERT: cert, LXD_CLIENT_KEY: key, LXD_SERVER_CERT: "/var/lib/lxd/server.crt" }),
  );
  return {
    driver,
    crash: async (s) => void (await driver.client.run("PUT", `/1.0/instances/${s.id}/state`, { action: "stop", force: true }, 60)),
    okExit3: ["sh", "-c", "echo ok; exit 3"],
    ping: "echo p$((1))ong | tr -d 1\r",
  };
});
