import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { before, describe, it } from "node:test";

import { enodeUrl, publicKeyOf } from "../../lib/enode";
import { makeCheckout } from "../helpers/config";
import {
  MOCK_BINARY_HASH,
  Recorded,
  digest,
  installMocks,
  ofType,
  recorded,
  unwrapSecret,
  valueOf,
} from "../helpers/mocks";

/**
 * The program as `pulumi up` runs it (index.ts), under mocks: which resources it declares and
 * with which inputs. Three clients: node-1 and node-2 under Delve, node-2 waiting for the
 * debugger, node-3 without Delve.
 */

const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:local:Command";
const source = makeCheckout();

let program: typeof import("../../index");

before(async () => {
  await installMocks({
    source,
    clients: "3",
    debugClients: "node-1,node-2",
    waitForDebugger: "node-2",
  });
  program = await import("../../index");
  // Every resource feeds these outputs, so once they resolve all have been declared.
  await valueOf(program.nodes);
  await valueOf(program.vscodeLaunch);
  await valueOf(program.golandRunConfigs);
});

function container(node: string): Recorded {
  const found = ofType(CONTAINER).filter((r) => r.name === `debugnet-${node}`);
  assert.equal(found.length, 1, `one container for ${node}`);
  return found[0];
}

/** The key the mocks generated for a node (see test/helpers/mocks.ts). */
function keyOf(node: string): string {
  const name = `debugnet-${node}-key`;
  const found = ofType("random:index/randomBytes:RandomBytes").filter((r) => r.name === name);
  assert.equal(found.length, 1);
  assert.equal(found[0].inputs.length, 32);
  return digest(name);
}

const NODES = ["bootnode", "node-1", "node-2", "node-3"];

describe("resource graph", () => {
  it("declares one network, image, build, readiness check and a container per node", () => {
    const count = (type: string) => recorded.filter((r) => r.type === type).length;
    assert.equal(count("docker:index/network:Network"), 1);
    assert.equal(count("docker:index/image:Image"), 1);
    assert.equal(count(CONTAINER), 4);
    assert.equal(count("docker:index/volume:Volume"), 3 + 4, "three build volumes, one per node");
    assert.equal(count("random:index/randomBytes:RandomBytes"), 4);
    assert.equal(count(COMMAND), 3, "image removal, client build, readiness");
    assert.deepEqual(
      recorded
        .filter((r) => !r.custom)
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
      [
        "eth-debugnet:index:ClientBuild debugnet-build",
        "eth-debugnet:index:DebugNetwork debugnet",
        "eth-debugnet:index:DevImage debugnet-devimage",
        "eth-debugnet:index:EthNode debugnet-bootnode",
        "eth-debugnet:index:EthNode debugnet-node-1",
        "eth-debugnet:index:EthNode debugnet-node-2",
        "eth-debugnet:index:EthNode debugnet-node-3",
        "eth-debugnet:index:Readiness debugnet-ready",
      ],
    );
  });

  it("names every child after its component", () => {
    for (const r of recorded) {
      assert.match(r.name, /^debugnet(-|$)/, `${r.type} ${r.name}`);
    }
  });

  it("puts the network on the configured subnet with a fixed gateway", () => {
    const [network] = ofType("docker:index/network:Network");
    assert.equal(network.inputs.name, "debugnet");
    assert.deepEqual(network.inputs.ipamConfigs, [
      { subnet: "10.213.17.0/24", gateway: "10.213.17.1" },
    ]);
  });

  it("builds the development image from the repository's Dockerfile", () => {
    const [image] = ofType("docker:index/image:Image");
    assert.equal(image.inputs.skipPush, true);
    assert.deepEqual(image.inputs.build.args, {
      BASE_IMAGE: "golang:1.26-bookworm",
      DELVE_VERSION: "v1.27.2",
    });
    assert.equal(image.inputs.build.dockerfile, path.resolve(__dirname, "../../image/Dockerfile"));
  });
});

describe("client build", () => {
  const build = () => ofType(COMMAND).find((r) => r.name === "debugnet-build")!;

  it("runs once, in the development image, with the checkout mounted read-only at /src", () => {
    const [image] = ofType("docker:index/image:Image");
    const argv: string[] = build().inputs.interpreter;
    assert.deepEqual(argv.slice(0, 3), ["docker", "run", "--rm"]);
    assert.ok(argv.includes(`${source}:/src:ro`));
    assert.ok(argv.includes("debugnet-gomod:/go/pkg/mod"));
    assert.ok(argv.includes("debugnet-gocache:/root/.cache/go-build"));
    assert.ok(argv.includes("debugnet-bin:/out"));
    assert.deepEqual(argv.slice(-3), [`sha256:${digest(image.name)}`, "debugnet-build", "geth"]);
    assert.equal(
      build().inputs.create,
      'go build -gcflags=all="-N -l" -o "$DEBUGNET_OUT" ./cmd/geth',
    );
  });

  it("reruns only when the checkout's digest changes", () => {
    const triggers: string[] = build().inputs.triggers;
    assert.equal(triggers.length, 1);
    assert.match(triggers[0], /^[0-9a-f]{64}$/);
  });

  it("labels every node with the binary it runs, so a new build restarts them", () => {
    for (const node of NODES) {
      const labels = container(node).inputs.labels;
      assert.ok(
        labels.some((l: any) => l.label === "eth-debugnet.binary" && l.value === MOCK_BINARY_HASH),
        node,
      );
    }
  });
});

describe("node containers", () => {
  it("have fixed names and IPs on the network", () => {
    NODES.forEach((node, index) => {
      const inputs = container(node).inputs;
      assert.equal(inputs.name, `debugnet-${node}`);
      assert.deepEqual(inputs.networksAdvanced, [
        { name: "debugnet", ipv4Address: `10.213.17.${2 + index}` },
      ]);
    });
  });

  it("publish RPC and Delve on 127.0.0.1 only, each on a host port of its own", () => {
    const published = NODES.flatMap((node) => container(node).inputs.ports);
    for (const port of published) {
      assert.equal(port.ip, "127.0.0.1");
    }
    const hostPorts = published.map((port: any) => port.external);
    assert.equal(new Set(hostPorts).size, hostPorts.length, "host ports are unique");
    assert.deepEqual(
      NODES.map((node) => container(node).inputs.ports),
      [
        [{ internal: 8545, external: 18545, ip: "127.0.0.1" }],
        [
          { internal: 8545, external: 18546, ip: "127.0.0.1" },
          { internal: 2345, external: 40000, ip: "127.0.0.1" },
        ],
        [
          { internal: 8545, external: 18547, ip: "127.0.0.1" },
          { internal: 2345, external: 40001, ip: "127.0.0.1" },
        ],
        [{ internal: 8545, external: 18548, ip: "127.0.0.1" }],
      ],
    );
  });

  it("give ptrace rights to debug containers only", () => {
    for (const node of ["node-1", "node-2"]) {
      assert.deepEqual(container(node).inputs.capabilities, { adds: ["SYS_PTRACE"] }, node);
      assert.deepEqual(container(node).inputs.securityOpts, ["seccomp=unconfined"], node);
    }
    for (const node of ["bootnode", "node-3"]) {
      assert.equal(container(node).inputs.capabilities, undefined, node);
      assert.equal(container(node).inputs.securityOpts, undefined, node);
    }
  });

  it("run under Delve only where configured, holding node-2 for the debugger", () => {
    const command = (node: string): string[] => container(node).inputs.command;
    assert.ok(command("node-1").includes("dlv") && command("node-1").includes("--continue"));
    assert.ok(command("node-2").includes("dlv") && !command("node-2").includes("--continue"));
    assert.ok(!command("bootnode").includes("dlv"));
    assert.ok(!command("node-3").includes("dlv"));
  });

  it("point --bootnodes at the enode computed from the bootnode's key", () => {
    const expected = enodeUrl(publicKeyOf(keyOf("bootnode")), "10.213.17.2", 30303);
    for (const node of ["node-1", "node-2", "node-3"]) {
      assert.ok(container(node).inputs.command.includes(`--bootnodes=${expected}`), node);
    }
    assert.ok(container("bootnode").inputs.command.includes("--bootnodes="));
  });

  it("receive their key (as a secret) and the genesis as files, data on a named volume", () => {
    const genesis = fs.readFileSync(path.resolve(__dirname, "../../genesis/genesis.json"), "utf8");
    for (const node of NODES) {
      const inputs = container(node).inputs;
      const uploads = unwrapSecret(inputs.uploads);
      assert.ok(uploads.secret, `${node}: the uploads carry the key, so they are secret`);
      assert.deepEqual(uploads.value, [
        { file: "/etc/debugnet/nodekey", content: keyOf(node) },
        { file: "/etc/debugnet/genesis.json", content: genesis },
      ]);
      assert.deepEqual(inputs.volumes, [
        { volumeName: `debugnet-${node}-data`, containerPath: "/data" },
        { volumeName: "debugnet-bin", containerPath: "/opt/debugnet/bin", readOnly: true },
      ]);
    }
  });
});

describe("readiness check", () => {
  const check = () => ofType(COMMAND).find((r) => r.name === "debugnet-ready")!;

  it("waits for RPC everywhere but on the held client, and for every Delve server", () => {
    const plan = JSON.parse(check().inputs.environment.DEBUGNET_READINESS);
    assert.equal(plan.timeoutSeconds, 180);
    assert.deepEqual(
      plan.targets.map((t: any) => [t.name, t.container, t.rpcUrl ?? null, t.needsPeers, t.delve]),
      [
        ["bootnode", "debugnet-bootnode", "http://127.0.0.1:18545", false, undefined],
        [
          "node-1",
          "debugnet-node-1",
          "http://127.0.0.1:18546",
          true,
          { host: "127.0.0.1", port: 40000 },
        ],
        ["node-2", "debugnet-node-2", null, true, { host: "127.0.0.1", port: 40001 }],
        ["node-3", "debugnet-node-3", "http://127.0.0.1:18548", true, undefined],
      ],
    );
  });

  it("runs again whenever a container is replaced", () => {
    assert.deepEqual(
      check().inputs.triggers,
      NODES.map((node) => `debugnet-${node}-id`),
    );
  });
});

describe("stack outputs", () => {
  it("give the bootnode enode", async () => {
    const expected = enodeUrl(publicKeyOf(keyOf("bootnode")), "10.213.17.2", 30303);
    assert.equal(await valueOf(program.bootnodeEnode), expected);
  });

  it("describe every node consistently with what was declared", async () => {
    const nodes = await valueOf(program.nodes);
    assert.deepEqual(
      nodes.map((node) => node.name),
      NODES,
    );
    for (const node of nodes) {
      const inputs = container(node.name).inputs;
      assert.equal(node.container, inputs.name);
      assert.equal(node.ip, inputs.networksAdvanced[0].ipv4Address);
      assert.equal(node.enode, enodeUrl(publicKeyOf(keyOf(node.name)), node.ip, 30303));
      assert.equal(node.rpcUrl, `http://127.0.0.1:${inputs.ports[0].external}`);
      const delvePort = inputs.ports.find((port: any) => port.internal === 2345)?.external;
      assert.deepEqual(
        node.delve,
        delvePort
          ? { host: "127.0.0.1", port: delvePort, address: `127.0.0.1:${delvePort}` }
          : null,
      );
    }
    assert.deepEqual(
      nodes.map((node) => node.waitForDebugger),
      [false, false, true, false],
    );
  });

  it("name the network and its subnet", async () => {
    assert.equal(await valueOf(program.network.name), "debugnet");
    assert.equal(program.network.subnet, "10.213.17.0/24");
  });

  it("hold VS Code attach entries for the debug clients, mapping the checkout to /src", async () => {
    const launch = await valueOf(program.vscodeLaunch);
    assert.deepEqual(
      launch.configurations.map((entry) => [entry.name, entry.port, entry.substitutePath]),
      [
        ["eth-debugnet: node-1", 40000, [{ from: source, to: "/src" }]],
        ["eth-debugnet: node-2", 40001, [{ from: source, to: "/src" }]],
      ],
    );
    assert.deepEqual(launch.compounds[0].configurations, [
      "eth-debugnet: node-1",
      "eth-debugnet: node-2",
    ]);
  });

  it("hold GoLand run configurations for the same clients and ports", async () => {
    const files = await valueOf(program.golandRunConfigs);
    assert.deepEqual(
      files.map((file) => [file.fileName, /port="(\d+)"/.exec(file.content)?.[1]]),
      [
        ["eth-debugnet node-1.run.xml", "40000"],
        ["eth-debugnet node-2.run.xml", "40001"],
      ],
    );
  });

  it("keep node keys secret but enodes public", async () => {
    const pulumi = await import("@pulumi/pulumi");
    assert.equal(await pulumi.isSecret(program.bootnodeEnode), false);
    assert.equal(await pulumi.isSecret(program.nodes), false);
  });
});
