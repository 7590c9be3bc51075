import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { load, makeCheckout } from "../helpers/config";
import { LaunchSpec, containerCommand } from "../../lib/launch";

const config = load({ source: makeCheckout() });
const enode = "enode://" + "ab".repeat(64) + "@10.213.17.2:30303";

function spec(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    binary: config.binary,
    initArgs: config.initArgs,
    flags: config.clientFlags,
    node: { ip: "10.213.17.3", bootnodes: enode },
    network: { p2pPort: 30303, subnet: "10.213.17.0/24", networkId: 271828, verbosity: 3 },
    ...overrides,
  };
}

describe("container command", () => {
  it("initialises from the genesis, then runs the client with the default flags", () => {
    assert.deepEqual(containerCommand(spec()), [
      "/opt/debugnet/bin/geth",
      "init",
      "--datadir=/data",
      "/etc/debugnet/genesis.json",
      "--",
      "/opt/debugnet/bin/geth",
      "--datadir=/data",
      "--nodekey=/etc/debugnet/nodekey",
      "--port=30303",
      "--discovery.port=30303",
      "--nat=extip:10.213.17.3",
      "--netrestrict=10.213.17.0/24",
      "--networkid=271828",
      `--bootnodes=${enode}`,
      "--verbosity=3",
      "--http",
      "--http.addr=0.0.0.0",
      "--http.port=8545",
      "--http.api=admin,eth,net,web3,txpool",
    ]);
  });

  it("runs the client under a headless, multi-client Delve that starts it", () => {
    const command = containerCommand(spec({ delve: { waitForDebugger: false } }));
    const run = command.slice(command.indexOf("--") + 1);
    assert.deepEqual(run.slice(0, 9), [
      "dlv",
      "exec",
      "/opt/debugnet/bin/geth",
      "--headless",
      "--listen=:2345",
      "--api-version=2",
      "--accept-multiclient",
      "--continue",
      "--",
    ]);
    assert.equal(run[9], "--datadir=/data");
  });

  it("leaves out --continue for a client that waits for the debugger", () => {
    const command = containerCommand(spec({ delve: { waitForDebugger: true } }));
    assert.ok(!command.includes("--continue"));
    assert.ok(command.includes("--accept-multiclient"));
  });

  it("skips the init step when no init arguments are configured", () => {
    const command = containerCommand(spec({ initArgs: [] }));
    assert.deepEqual(command.slice(0, 2), ["--", "/opt/debugnet/bin/geth"]);
  });

  it("lets a fork rename its binary and flags through configuration alone", () => {
    const command = containerCommand(
      spec({
        binary: "bor",
        initArgs: ["server", "init", "{genesis}"],
        flags: [
          "server",
          "--datadir",
          "{datadir}",
          "--bootnodes",
          "{bootnodes}",
          "--v={verbosity}",
        ],
      }),
    );
    assert.deepEqual(command, [
      "/opt/debugnet/bin/bor",
      "server",
      "init",
      "/etc/debugnet/genesis.json",
      "--",
      "/opt/debugnet/bin/bor",
      "server",
      "--datadir",
      "/data",
      "--bootnodes",
      enode,
      "--v=3",
    ]);
  });
});
