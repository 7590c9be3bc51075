import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import Docker from "dockerode";
import * as jsonc from "jsonc-parser";

import type { NodeInfo } from "../../components/ethNode";
import { enodeWithoutQuery, nodeIdOf } from "../../lib/enode";
import { LaunchDocument, RunConfigFile, VsCodeAttach } from "../../lib/ide";
import { NETWORK_LABEL } from "../../lib/labels";
import { delveCall, delveVersion, rpcCall } from "../../lib/probes";
import { VsCodeSession } from "./dap";
import { BASE_IMAGE, REQUIRED, SOURCE_DIR, missingPrerequisites } from "./fixtures";
import type { StackState } from "./harness/engine";
import { HarnessError, HarnessStack } from "./stack";

/**
 * The end-to-end tier: the unchanged program carried out by the harness against a real Docker
 * engine, a real go-ethereum built from a checkout, and real Delve servers. Four clients:
 * node-1 and node-2 under Delve, node-3 without, node-4 under Delve waiting for a debugger.
 */

const missing = missingPrerequisites();
const skip = missing.length > 0 && !REQUIRED ? `needs ${missing.join("; ")}` : false;

const PROJECT_DIR = path.resolve(__dirname, "../..");
const NETWORK = "debugnet-e2e";
const MINUTES = 60_000;
const docker = new Docker();

// A copy of the checkout, made before the tier runs, so it can be edited and given IDE files.
const checkout = path.join(os.tmpdir(), `debugnet-checkout-${process.pid}`);
const config = {
  source: checkout,
  baseImage: BASE_IMAGE,
  networkName: NETWORK,
  subnet: "10.213.99.0/24",
  rpcPorts: "28545-28599",
  delvePorts: "26000-26099",
  clients: "4",
  debugClients: "node-1,node-2,node-4",
  waitForDebugger: "node-4",
};

let stack: HarnessStack;
let first: StackState;
let nodes: NodeInfo[];
const byName = (name: string) => nodes.find((node) => node.name === name)!;
const running = () => nodes.filter((node) => !node.waitForDebugger);

describe("end to end on a real Docker engine", { skip }, () => {
  before(() => {
    assert.deepEqual(missing, [], "prerequisites of the end-to-end tier");
    fs.cpSync(SOURCE_DIR, checkout, { recursive: true });
    stack = new HarnessStack();
  });

  after(async () => {
    if (stack.state().resources.length > 0) {
      await stack.destroy();
    }
    stack.dispose();
    fs.rmSync(checkout, { recursive: true, force: true });
  });

  it("brings the network up", { timeout: 20 * MINUTES }, async () => {
    const started = Date.now();
    first = await stack.up(config);
    console.log(`first up: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    nodes = first.outputs!.nodes as NodeInfo[];
    assert.deepEqual(
      nodes.map((node) => node.name),
      ["bootnode", "node-1", "node-2", "node-3", "node-4"],
    );
    assert.ok(first.actions.every((entry) => entry.action === "create"));
  });

  it("publishes every host port on 127.0.0.1 only", async () => {
    for (const node of nodes) {
      const info = await docker.getContainer(node.container).inspect();
      const bindings = Object.values(info.NetworkSettings.Ports).flat();
      assert.ok(bindings.length > 0, node.name);
      for (const binding of bindings) {
        assert.equal(binding?.HostIp, "127.0.0.1", `${node.name}: ${JSON.stringify(binding)}`);
      }
      const debug = node.delve !== null;
      assert.deepEqual(info.HostConfig.CapAdd ?? [], debug ? ["SYS_PTRACE"] : [], node.name);
      assert.deepEqual(
        info.HostConfig.SecurityOpt ?? [],
        debug ? ["seccomp=unconfined"] : [],
        node.name,
      );
    }
  });

  it("holds the waiting client until a debugger continues it", async () => {
    const waiting = byName("node-4");
    await assert.rejects(rpcCall(waiting.rpcUrl, "web3_clientVersion", [], 2000));
    const version = await delveVersion(waiting.delve!.host, waiting.delve!.port);
    assert.equal(version.APIVersion, 2);
    const state = await delveCall<{ State: { Running: boolean; exited: boolean } }>(
      waiting.delve!.host,
      waiting.delve!.port,
      "RPCServer.State",
      { NonBlocking: true },
    );
    assert.equal(state.State.Running, false, "the client process is halted");
    for (const other of running()) {
      assert.ok(!(await peerIds(other)).includes(idOf(waiting)), `${other.name} peers node-4`);
    }
  });

  it("peers every running client with the bootnode and each other within 60 s", async () => {
    const startedAt = await lastStart(running());
    const seconds = await untilMeshed(running(), 60, startedAt);
    console.log(`running clients fully peered ${seconds.toFixed(1)} s after the last start`);
  });

  it("answers the JSON-RPC API v2 on every Delve endpoint", async () => {
    for (const node of nodes.filter((candidate) => candidate.delve)) {
      const version = await delveVersion(node.delve!.host, node.delve!.port);
      assert.equal(version.APIVersion, 2, node.name);
    }
  });

  it("writes IDE configurations into the checkout (npm run ide)", () => {
    const outputsFile = path.join(path.dirname(stack.statePath), "outputs.json");
    fs.writeFileSync(outputsFile, JSON.stringify(first.outputs));
    const existing = '{\n  // mine\n  "configurations": [{ "name": "Launch geth" }]\n}\n';
    fs.mkdirSync(path.join(checkout, ".vscode"));
    fs.writeFileSync(path.join(checkout, ".vscode", "launch.json"), existing);

    execFileSync(
      process.execPath,
      ["--require", "ts-node/register/transpile-only", "scripts/ide.ts", "--outputs", outputsFile],
      { cwd: PROJECT_DIR, stdio: "inherit" },
    );

    const launch = readLaunch();
    assert.deepEqual(
      launch.configurations.map((entry) => entry.name),
      ["Launch geth", "eth-debugnet: node-1", "eth-debugnet: node-2", "eth-debugnet: node-4"],
    );
    assert.match(fs.readFileSync(path.join(checkout, ".vscode", "launch.json"), "utf8"), /mine/);
    const runConfigs = first.outputs!.golandRunConfigs as RunConfigFile[];
    for (const file of runConfigs) {
      assert.equal(
        fs.readFileSync(path.join(checkout, ".run", file.fileName), "utf8"),
        file.content,
      );
    }
  });

  it("lets VS Code attach to every Delve server, which starts the waiting client", async () => {
    for (const entry of readLaunch().configurations.filter(isOurs)) {
      const session = await VsCodeSession.attach(entry);
      await session.configurationDone();
      await session.disconnect();
    }
    const continuedAt = Date.now();
    const seconds = await untilMeshed(nodes, 60, continuedAt);
    console.log(`all clients fully peered ${seconds.toFixed(1)} s after node-4 was continued`);
  });

  // From here on node-4 runs too: the VS Code attach above continued it.
  it("reports the enode each node itself reports", async () => {
    for (const node of nodes) {
      const info = await rpcCall<{ enode: string }>(node.rpcUrl, "admin_nodeInfo");
      assert.equal(enodeWithoutQuery(info.enode), enodeWithoutQuery(node.enode), node.name);
    }
    assert.equal(first.outputs!.bootnodeEnode, byName("bootnode").enode);
  });

  it("puts every node on the same genesis and chain id", async () => {
    const seen = new Set<string>();
    for (const node of nodes) {
      const info = await rpcCall<{ protocols: { eth: { genesis: string } } }>(
        node.rpcUrl,
        "admin_nodeInfo",
      );
      const chainId = await rpcCall<string>(node.rpcUrl, "eth_chainId");
      seen.add(`${info.protocols.eth.genesis} ${Number(chainId)}`);
    }
    assert.equal(seen.size, 1, [...seen].join(", "));
    const genesisFile = path.join(PROJECT_DIR, "genesis", "genesis.json");
    const genesis = JSON.parse(fs.readFileSync(genesisFile, "utf8"));
    assert.match([...seen][0], new RegExp(` ${genesis.config.chainId}$`));
  });

  it("stops at a breakpoint set by host path when a peer connects, and runs on", async () => {
    const file = path.join(checkout, "p2p", "server.go");
    const line = lineAfter(file, "func (srv *Server) launchPeer(");
    const entry = readLaunch().configurations.find((e) => e.name === "eth-debugnet: node-1")!;
    const target = byName("node-1");
    const peer = byName("node-3");

    const session = await VsCodeSession.attach(entry);
    const set = await session.setBreakpoints(file, [line]);
    assert.equal(set.body.breakpoints[0].verified, true, JSON.stringify(set.body));
    assert.equal(set.body.breakpoints[0].line, line);
    await session.configurationDone();

    // node-3 drops node-1 and dials it again: node-1 launches a peer for the new connection.
    await rpcCall(peer.rpcUrl, "admin_removePeer", [target.enode]);
    await rpcCall(peer.rpcUrl, "admin_addPeer", [target.enode]);
    const stop = await session.waitForStop(60_000);
    assert.equal(stop.body.reason, "breakpoint");
    const frame = await session.topFrame(stop.body.threadId!);
    assert.equal(frame.source?.path, file, "the stack names the host path");
    assert.equal(frame.line, line);

    await session.setBreakpoints(file, []);
    await session.continue(stop.body.threadId!);
    await session.disconnect();
    await untilMeshed(nodes, 60, Date.now());
  });

  it("keeps every enode across container restarts", { timeout: 5 * MINUTES }, async () => {
    await Promise.all(running().map((node) => docker.getContainer(node.container).restart()));
    await untilMeshed(nodes, 90, Date.now());
    for (const node of running()) {
      const info = await rpcCall<{ enode: string }>(node.rpcUrl, "admin_nodeInfo");
      assert.equal(enodeWithoutQuery(info.enode), enodeWithoutQuery(node.enode), node.name);
    }
  });

  it("brings a node back, with its enode, when its client exits", async () => {
    const node = byName("node-3");
    const container = docker.getContainer(node.container);
    const before = await container.inspect();
    execFileSync("docker", ["exec", node.container, "sh", "-c", "kill -TERM 1"]);

    const started = Date.now();
    for (;;) {
      const now = await container.inspect();
      if (now.RestartCount > before.RestartCount && now.State.Running) {
        break;
      }
      assert.ok(Date.now() - started < 60_000, "Docker did not restart the node within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await untilMeshed(nodes, 90, Date.now());
    const info = await rpcCall<{ enode: string }>(node.rpcUrl, "admin_nodeInfo");
    assert.equal(enodeWithoutQuery(info.enode), enodeWithoutQuery(node.enode));
  });

  it("changes nothing when run again with the same configuration", async () => {
    const ids = await containerIds();
    const again = await stack.up(config);
    const changed = again.actions.filter((entry) => entry.action !== "same");
    assert.deepEqual(changed, [], "no rebuild, no replacement");
    assert.deepEqual(again.outputs, first.outputs);
    assert.deepEqual(await containerIds(), ids);
  });

  it("rebuilds once and restarts every node after a one-line source change", async () => {
    const file = path.join(checkout, "p2p", "server.go");
    const source = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, source.replace("func (srv *Server) launchPeer(", "// edited\n$&"));
    const started = Date.now();
    const changed = await stack.up(config);
    console.log(`up after a one-line change: ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const replaced = changed.actions.filter((entry) => entry.action !== "same");
    assert.deepEqual(
      replaced.map((entry) => entry.key).sort(),
      [
        "command:local:Command::debugnet-build-compile",
        "command:local:Command::debugnet-ready-check",
        ...nodes.map(
          (node) => `docker:index/container:Container::debugnet-${node.name}-container`,
        ),
      ].sort(),
    );
    assert.ok(replaced.every((entry) => entry.action === "replace"));
    assert.deepEqual(changed.outputs!.nodes, first.outputs!.nodes, "same enodes, IPs and ports");

    const before = binaryLabel(first);
    for (const node of running()) {
      const info = await docker.getContainer(node.container).inspect();
      assert.notEqual(info.Config.Labels["eth-debugnet.binary"], before, node.name);
      const reported = await rpcCall<{ enode: string }>(node.rpcUrl, "admin_nodeInfo");
      assert.equal(enodeWithoutQuery(reported.enode), enodeWithoutQuery(node.enode), node.name);
    }
  });

  it("fails fast when a client under Delve crashes, naming it with its log", async () => {
    // Delve outlives the client it runs, so the container stays up: only Delve can tell.
    const crashing = { ...config, extraFlags: JSON.stringify({ "node-1": ["--no-such-flag"] }) };
    const started = Date.now();
    await assert.rejects(stack.up(crashing), (error: HarnessError) => {
      assert.match(error.output, /not ready after [\d.]+s: node-1\n/);
      assert.match(
        error.output,
        /node-1 \(container debugnet-e2e-node-1\): the client exited with code 1/,
      );
      assert.match(error.output, /flag provided but not defined: -no-such-flag/);
      return true;
    });
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 90, `reported after ${seconds} s, not at once`);

    const restored = await stack.up(config);
    assert.deepEqual(restored.outputs!.nodes, first.outputs!.nodes);
  });

  it("leaves no container, network, volume or image behind after destroy", async () => {
    // A second tag on the image stands for another stack whose build came out the same: destroy
    // removes this stack's tag and leaves the image to the other.
    const image = docker.getImage(`eth-debugnet-dev:${NETWORK}`);
    const { Id: imageId } = await image.inspect();
    await image.tag({ repo: "eth-debugnet-test/other-stack", tag: NETWORK });

    await stack.destroy();
    const filters = { label: [`${NETWORK_LABEL}=${NETWORK}`] };
    assert.deepEqual(await docker.listContainers({ all: true, filters }), []);
    assert.deepEqual((await docker.listVolumes({ filters })).Volumes ?? [], []);
    assert.deepEqual(await docker.listNetworks({ filters }), []);
    assert.deepEqual(
      await docker.listImages({ filters: { reference: [`eth-debugnet-dev:${NETWORK}`] } }),
      [],
    );
    const kept = await docker.getImage(imageId).inspect();
    assert.ok(kept.RepoTags.includes(`eth-debugnet-test/other-stack:${NETWORK}`));
    await docker.getImage(`eth-debugnet-test/other-stack:${NETWORK}`).remove();
  });
});

function binaryLabel(state: StackState): string {
  const build = state.resources.find(
    (r) => r.key === "command:local:Command::debugnet-build-compile",
  );
  return build!.outputs.stdout;
}

function readLaunch(): LaunchDocument {
  return jsonc.parse(fs.readFileSync(path.join(checkout, ".vscode", "launch.json"), "utf8"));
}

function isOurs(entry: { name: string }): entry is VsCodeAttach {
  return entry.name.startsWith("eth-debugnet: ") && "port" in entry;
}

function idOf(node: NodeInfo): string {
  return nodeIdOf(/^enode:\/\/([0-9a-f]{128})@/.exec(node.enode)![1]);
}

async function peerIds(node: NodeInfo): Promise<string[]> {
  const peers = await rpcCall<{ id: string }[]>(node.rpcUrl, "admin_peers");
  return peers.map((peer) => peer.id);
}

/**
 * Waits until every client has every other client and the bootnode among its peers; returns
 * the seconds since `since`, and fails past `limit` seconds.
 */
async function untilMeshed(group: NodeInfo[], limit: number, since: number): Promise<number> {
  const clients = group.filter((node) => node.role === "client");
  for (;;) {
    const missing: string[] = [];
    for (const client of clients) {
      const peers = await peerIds(client).catch((): string[] => []);
      for (const other of group.filter((node) => node !== client)) {
        if (!peers.includes(idOf(other))) {
          missing.push(`${client.name}→${other.name}`);
        }
      }
    }
    const seconds = (Date.now() - since) / 1000;
    if (missing.length === 0) {
      return seconds;
    }
    if (seconds > limit) {
      assert.fail(`not fully peered after ${limit} s; missing ${missing.join(", ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** When the last of the nodes' containers started, by the engine's clock. */
async function lastStart(group: NodeInfo[]): Promise<number> {
  const starts = await Promise.all(
    group.map(async (node) => {
      const info = await docker.getContainer(node.container).inspect();
      return Date.parse(info.State.StartedAt);
    }),
  );
  return Math.max(...starts);
}

async function containerIds(): Promise<string[]> {
  return Promise.all(
    nodes.map(async (node) => (await docker.getContainer(node.container).inspect()).Id),
  );
}

/** The 1-based number of the line after the first line containing `text`. */
function lineAfter(file: string, text: string): number {
  const index = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .findIndex((candidate) => candidate.includes(text));
  assert.ok(index >= 0, `${text} not found in ${file}`);
  return index + 2;
}
