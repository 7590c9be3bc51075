import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import * as YAML from "yaml";

import { ConfigError, PROJECT_DIR, readDeclarations } from "../../lib/config";
import { load, makeCheckout } from "../helpers/config";

const source = makeCheckout();

/** The problems reported for `values`, or a failure if loading succeeds. */
function problems(values: Record<string, string>): string[] {
  try {
    load({ source, ...values });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

describe("configuration defaults", () => {
  it("come from Pulumi.yaml, which declares every key with a description and a default", () => {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    for (const [key, declaration] of Object.entries<Record<string, unknown>>(project.config)) {
      assert.ok(declaration.description, `${key} has no description`);
      assert.notEqual(declaration.default, undefined, `${key} has no default`);
      // Only the types the CLI's project schema accepts; it has none for objects.
      if (readDeclarations(PROJECT_DIR).get(key)!.type === "object") {
        assert.equal(declaration.type, undefined, `${key}: the CLI rejects type: object`);
      } else {
        assert.ok(["string", "integer", "boolean", "array"].includes(String(declaration.type)));
      }
    }
  });

  it("are listed in the README's table with the same type and default", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    for (const [key, declaration] of readDeclarations(PROJECT_DIR)) {
      const row = new RegExp(`^\\| \`${key}\` \\| ${declaration.type} \\| (.*?) \\|`, "m").exec(
        readme,
      );
      assert.ok(row, `README has no row for ${key}`);
      if (typeof declaration.default !== "object") {
        assert.equal(row[1], `\`${declaration.default}\``, key);
      } else if (Array.isArray(declaration.default) && key !== "clientFlags") {
        assert.equal(row[1], declaration.default.map((item) => `\`${item}\``).join(", "), key);
      }
    }
  });

  it("give two clients, all under Delve, none waiting, ports from the declared ranges", () => {
    const config = load({ source });
    assert.equal(config.clients, 2);
    assert.deepEqual(config.debugClients, ["node-1", "node-2"]);
    assert.deepEqual(config.waitForDebugger, []);
    assert.deepEqual(config.rpcPorts, { first: 18545, last: 18644 });
    assert.deepEqual(config.delvePorts, { first: 23450, last: 23549 });
    assert.equal(config.sourceDir, source);
    assert.equal(config.baseImage, "golang:1.26-bookworm");
    assert.equal(
      config.buildCommand,
      'go build -gcflags=all="-N -l" -o "$DEBUGNET_OUT" ./cmd/geth',
    );
  });

  it("take the network id from the shipped genesis when networkId is 0", () => {
    const config = load({ source });
    const genesis = JSON.parse(fs.readFileSync(config.genesis.path, "utf8"));
    assert.equal(config.networkId, genesis.config.chainId);
    assert.equal(load({ source, networkId: "99" }).networkId, 99);
  });

  it("accept values as the CLI stores them: integers, lists and objects as text", () => {
    const config = load({
      source,
      clients: "4",
      debugClients: "node-1, node-3",
      waitForDebugger: "node-3",
      extraFlags: JSON.stringify({ all: ["--maxpeers=10"], "node-2": ["--log.vmodule=p2p=5"] }),
      clientFlags: JSON.stringify(["--datadir={datadir}"]),
    });
    assert.equal(config.clients, 4);
    assert.deepEqual(config.debugClients, ["node-1", "node-3"]);
    assert.deepEqual(config.waitForDebugger, ["node-3"]);
    assert.deepEqual(config.extraFlags, {
      all: ["--maxpeers=10"],
      "node-2": ["--log.vmodule=p2p=5"],
    });
    assert.deepEqual(config.clientFlags, ["--datadir={datadir}"]);
  });

  it("lower-case node keys from configuration", () => {
    const key = "B71C71A67E1177AD4E901695E1B4B9EE17AE16C6668D313EAC2F96DBCDA3F291";
    const config = load({ source, nodeKeys: JSON.stringify({ bootnode: key }) });
    assert.deepEqual(config.nodeKeys, { bootnode: key.toLowerCase() });
  });
});

describe("bad configuration", () => {
  it("rejects no clients", () => {
    assert.deepEqual(problems({ clients: "0" }), [
      "clients: got 0; expected a whole number from 1 to 252 " +
        "(the subnet 10.213.17.0/24 holds 252 clients)",
    ]);
  });

  it("rejects a negative count", () => {
    assert.deepEqual(problems({ clients: "-3" }), [
      "clients: got -3; expected a whole number from 1 to 252 " +
        "(the subnet 10.213.17.0/24 holds 252 clients)",
    ]);
  });

  it("rejects more clients than the subnet holds", () => {
    assert.deepEqual(problems({ clients: "5", subnet: "10.9.0.0/29" }), [
      "clients: got 5; expected a whole number from 1 to 4 " +
        "(the subnet 10.9.0.0/29 holds 4 clients)",
    ]);
  });

  it("rejects a subnet with no room for a client, and says nothing of the count", () => {
    assert.deepEqual(problems({ subnet: "10.9.0.0/30" }), [
      'subnet: got "10.9.0.0/30"; expected a network with room for the gateway, the bootnode ' +
        "and a client: /29 or larger",
    ]);
  });

  it("bounds the count by the host ports when the subnet is bad too", () => {
    assert.deepEqual(problems({ subnet: "10.9.0.0/33", clients: "9999999999" }), [
      'subnet: got "10.9.0.0/33"; expected an IPv4 network in CIDR form, such as 10.213.17.0/24',
      "clients: got 9999999999; expected a whole number from 1 to 65534",
    ]);
  });

  it("rejects port ranges that overlap each other", () => {
    assert.deepEqual(problems({ rpcPorts: "23500-23600" }), [
      'rpcPorts and delvePorts: got "23500-23600" and "23450-23549"; ' +
        "expected two ranges that share no port",
    ]);
  });

  it("rejects port ranges that run past 65535", () => {
    assert.deepEqual(problems({ delvePorts: "65500-65600" }), [
      'delvePorts: got "65500-65600"; expected FIRST-LAST with 1 <= FIRST <= LAST <= 65535',
    ]);
  });

  it("rejects a port range too small for the nodes", () => {
    assert.deepEqual(problems({ clients: "3", rpcPorts: "18545-18547" }), [
      'rpcPorts: got "18545-18547"; expected a range of at least 4 ports, one per node ' +
        "(clients: 3)",
    ]);
  });

  it("rejects a source path that does not exist", () => {
    const missing = path.join(source, "no-such-dir");
    assert.deepEqual(problems({ source: missing }), [
      `source: got ${JSON.stringify(missing)}; expected an existing directory ` +
        `(looked for ${missing})`,
    ]);
  });

  it("rejects a node key that is not 32 bytes of hex, without echoing it", () => {
    const found = problems({ nodeKeys: JSON.stringify({ "node-1": "abc123" }) });
    assert.deepEqual(found, [
      "nodeKeys.node-1: got a secret of 6 characters; " +
        "expected 64 hex digits (32 bytes) forming a secp256k1 secret key",
    ]);
    assert.doesNotMatch(found[0], /abc123/);
  });

  it("rejects a node key outside the secp256k1 range", () => {
    const zero = "0".repeat(64);
    assert.deepEqual(problems({ nodeKeys: JSON.stringify({ bootnode: zero }) }), [
      "nodeKeys.bootnode: got a secret of 64 characters; " +
        "expected 64 hex digits (32 bytes) forming a secp256k1 secret key",
    ]);
  });

  it("rejects one key given to two nodes, without echoing it", () => {
    const key = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
    const found = problems({ nodeKeys: JSON.stringify({ bootnode: key, "node-2": key }) });
    assert.deepEqual(found, [
      "nodeKeys.node-2: got the key of nodeKeys.bootnode; expected a key of its own " +
        "(nodes with one key share one identity and cannot peer)",
    ]);
  });

  it("rejects unknown keys inside object configuration", () => {
    assert.deepEqual(problems({ extraFlags: JSON.stringify({ "node-7": ["--x"] }) }), [
      'extraFlags: unknown key "node-7"; allowed keys: all, bootnode, node-1, node-2',
    ]);
    assert.deepEqual(problems({ nodeKeys: JSON.stringify({ miner: "00" }) }), [
      'nodeKeys: unknown key "miner"; allowed keys: bootnode, node-1, node-2',
      "nodeKeys.miner: got a secret of 2 characters; " +
        "expected 64 hex digits (32 bytes) forming a secp256k1 secret key",
    ]);
  });

  it("rejects unknown top-level keys", () => {
    const found = problems({ client: "4" });
    assert.equal(found.length, 1);
    assert.match(found[0], /^client: not a key of this project; known keys: source, /);
  });

  it("rejects debug selections naming clients that do not exist", () => {
    assert.deepEqual(problems({ debugClients: "node-1,node-9" }), [
      'debugClients: got "node-1,node-9"; expected "all", "none" or a comma-separated list ' +
        "of clients (node-1, node-2)",
    ]);
    assert.deepEqual(problems({ debugClients: "node-1", waitForDebugger: "node-2" }), [
      'waitForDebugger: got "node-2"; expected "all", "none" or a comma-separated list ' +
        "of debug clients (node-1)",
    ]);
  });

  it("rejects unknown placeholders in client flags", () => {
    assert.deepEqual(problems({ clientFlags: JSON.stringify(["--datadir={dataDir}"]) }), [
      'clientFlags: got ["--datadir={dataDir}"]; expected placeholders among {datadir} ' +
        "{nodekey} {genesis} {ip} {p2pPort} {rpcPort} {subnet} {networkId} {bootnodes} " +
        "{verbosity}",
    ]);
  });

  it("reports every problem together, in one error that says nothing was created", () => {
    let error: unknown;
    try {
      load({ source: "/no/such/checkout", clients: "0", verbosity: "9", subnet: "10.0.0.1/24" });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems.length, 4);
    assert.match(error.message, /^4 configuration problems; nothing was created:\n {2}- /);
    assert.match(error.message, /subnet: got "10.0.0.1\/24"; expected an IPv4 network/);
    assert.match(error.message, /clients: got 0; expected a whole number from 1 to /);
    assert.match(error.message, /verbosity: got 9; expected a whole number from 0 to 5/);
    assert.match(error.message, /source: got "\/no\/such\/checkout"/);
  });
});
