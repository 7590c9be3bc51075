/**
 * The inner-loop benchmark: what a developer's "change a line, up, attach" costs. It drives the
 * program through the end-to-end tier's harness against the real Docker engine, so every
 * figure includes what `up` itself does (program start, source hashing, diffing, readiness).
 *
 *   npm run bench                      every part, 3 runs each
 *   npm run bench -- --parts start     one or more of: build,start,loop,memory,capacity
 *   npm run bench -- --runs 5
 *
 * Results go to bench/results/latest.json, one entry per part with its date, so parts measured
 * in separate invocations sit side by side; the harness's own output goes to bench/out/. Method
 * and latest figures are in BENCHMARKS.md.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import Docker from "dockerode";

import { PROJECT_DIR } from "../lib/config";
import { engineContainerState } from "../lib/containers";
import { neighbourTableLimit } from "../lib/neighbours";
import { rpcCall } from "../lib/probes";
import { ReadinessPlan, networkProbe, waitUntilReady } from "../lib/readiness";
import { BASE_IMAGE, SOURCE_DIR, missingPrerequisites } from "../test/e2e/fixtures";
import type { ActionRecord, ResourceRecord, StackState } from "../test/e2e/harness/engine";
import { HarnessStack } from "../test/e2e/stack";

const OUT_DIR = path.join(PROJECT_DIR, "bench", "out");
const RESULTS = path.join(PROJECT_DIR, "bench", "results", "latest.json");
const NETWORK = "debugnet-bench";
const BUILD = "command:local:Command::debugnet-build-compile";
const docker = new Docker();

const { values } = parseArgs({
  options: {
    parts: { type: "string", default: "build,start,loop,memory,capacity" },
    runs: { type: "string", default: "3" },
    sizes: { type: "string", default: "1,4,8,16" },
    capacity: { type: "string", default: "16,32,48,64,80,96" },
  },
});
const RUNS = Number(values.runs);
const PARTS = values.parts!.split(",");

fs.mkdirSync(OUT_DIR, { recursive: true });
const harnessLog = fs.createWriteStream(path.join(OUT_DIR, "harness.log"), { flags: "a" });
const stack = new HarnessStack((chunk) => harnessLog.write(chunk));
const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "debugnet-bench-checkout-"));

const base = {
  source: checkout,
  baseImage: BASE_IMAGE,
  networkName: NETWORK,
  subnet: "10.213.100.0/24",
  rpcPorts: "29000-29299",
  delvePorts: "30000-30299",
  readyTimeout: "900",
};

/** Everything a node start creates, so an `up` after destroying it starts the nodes afresh. */
const NODE_RESOURCES =
  /(Container::|Volume::debugnet-(bootnode|node-\d+)-data$|::debugnet-ready-check$)/;

// --- measurements ---------------------------------------------------------------------------

type Results = Record<string, unknown>;

async function measureBuild(results: Results): Promise<void> {
  const cold: number[] = [];
  const cached: number[] = [];
  const uncached: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    await stack.destroy();
    const first = await stack.up({ ...base, clients: "1" });
    cold.push(seconds(action(first, BUILD)));

    editP2p(`cached ${run}`);
    const second = await stack.up({ ...base, clients: "1" });
    cached.push(seconds(action(second, BUILD)));

    // The same one-line change, built without the module and build caches.
    editP2p(`uncached ${run}`);
    await stack.destroy(/Volume::debugnet-build-go(mod|cache)$/);
    const third = await stack.up({ ...base, clients: "1" });
    uncached.push(seconds(action(third, BUILD)));
    report(
      `build run ${run}: cold ${cold.at(-1)} s, rebuild cached ${cached.at(-1)} s, ` +
        `rebuild uncached ${uncached.at(-1)} s`,
    );
  }
  results.build = {
    ...measuredNow(),
    coldSeconds: cold,
    rebuildCachedSeconds: cached,
    rebuildUncachedSeconds: uncached,
    medians: {
      cold: median(cold),
      rebuildCached: median(cached),
      rebuildUncached: median(uncached),
    },
    rebuildCachedOverCold: median(cached.map((value, i) => value / cold[i])),
  };
}

async function measureStart(results: Results, sizes: number[]): Promise<void> {
  // Build the image and the client first: this part measures starting nodes, not building.
  await stack.up({ ...base, clients: "1" });
  const bySize: Record<string, unknown> = {};
  for (const size of sizes) {
    const ours: number[] = [];
    const floor: number[] = [];
    const ratios: number[] = [];
    const phases: Phases[] = [];
    for (let run = 1; run <= RUNS; run++) {
      await stack.destroy(NODE_RESOURCES);
      const config = { ...base, clients: String(size), debugClients: "all" };
      const started = Date.now();
      const state = await stack.up(config);
      ours.push((Date.now() - started) / 1000);
      phases.push(phasesOf(state, started));
      assertOneBuildAtMost(state);

      const specs = state.resources.filter((r) => r.type === "docker:index/container:Container");
      const plan = plannedReadiness(state);
      await stack.destroy(NODE_RESOURCES);
      floor.push(await plainDockerRun(specs, plan));
      ratios.push(ours.at(-1)! / floor.at(-1)!);
      report(
        `start ${size} clients, run ${run}: up ${ours.at(-1)!.toFixed(1)} s, ` +
          `docker run ${floor.at(-1)!.toFixed(1)} s, ratio ${ratios.at(-1)!.toFixed(2)}`,
      );
    }
    bySize[size] = {
      upSeconds: ours,
      dockerRunSeconds: floor,
      ratios,
      medians: {
        up: median(ours),
        dockerRun: median(floor),
        ratio: median(ratios),
        ...phaseMedians(phases),
      },
    };
  }

  results.start = { ...measuredNow(), bySize };
}

/**
 * The inner loop itself: with the largest size running, a one-line change in the client and an
 * `up`. Each run must build once and restart every node; its time is split like the start's.
 */
async function measureLoop(results: Results, clients: number): Promise<void> {
  const config = { ...base, clients: String(clients), debugClients: "all" };
  await stack.up(config);
  const ups: number[] = [];
  const builds: number[] = [];
  const phases: Phases[] = [];
  for (let run = 1; run <= RUNS; run++) {
    editP2p(`loop ${run}`);
    const started = Date.now();
    const state = await stack.up(config);
    ups.push((Date.now() - started) / 1000);
    phases.push(phasesOf(state, started));
    const built = buildsIn(state);
    const restarted = state.actions.filter(
      (a) => a.key.includes("Container::") && a.action === "replace",
    );
    if (built.length !== 1 || restarted.length !== clients + 1) {
      throw new Error(
        `a source change should build once and restart ${clients + 1} nodes; it built ` +
          `${built.length} times and restarted ${restarted.length}`,
      );
    }
    builds.push(seconds(built[0]));
    report(
      `loop with ${clients} clients, run ${run}: up ${ups.at(-1)!.toFixed(1)} s, ` +
        `build ${builds.at(-1)} s, ${restarted.length} nodes restarted`,
    );
  }
  results.loop = {
    ...measuredNow(),
    clients,
    buildsPerChange: 1,
    nodesRestartedPerChange: clients + 1,
    upSeconds: ups,
    buildSeconds: builds,
    medians: {
      up: median(ups),
      build: median(builds),
      ...phaseMedians(phases),
    },
  };
}

async function measureMemory(results: Results): Promise<void> {
  const plain: number[] = [];
  const underDelve: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    await stack.destroy(NODE_RESOURCES);
    const state = await stack.up({ ...base, clients: "4", debugClients: "node-1,node-2" });
    await sleep(15_000);
    for (const node of state.outputs!.nodes as {
      container: string;
      role: string;
      delve: unknown;
    }[]) {
      if (node.role !== "client") {
        continue;
      }
      (node.delve ? underDelve : plain).push(await memoryMiB(node.container));
    }
    report(
      `memory run ${run}: plain ${plain.slice(-2).join(", ")} MiB, ` +
        `under Delve ${underDelve.slice(-2).join(", ")} MiB`,
    );
  }
  results.memory = {
    ...measuredNow(),
    clientMiB: plain,
    clientUnderDelveMiB: underDelve,
    medians: { client: median(plain), clientUnderDelve: median(underDelve) },
  };
}

async function measureCapacity(results: Results, sizes: number[]): Promise<void> {
  // Build first, so the time to ready of each size is starting the nodes, not building.
  await stack.up({ ...base, clients: "1" });
  const attempts: Attempt[] = [];
  let perNodeMiB = 0;
  for (const size of sizes) {
    await stack.destroy(NODE_RESOURCES);
    // Docker sets no memory limit here, so running out would bring in the kernel's OOM killer
    // against anything on the machine: stop where the last size's use per node says it would.
    // Measured once ready, nodes hold less than while they start (195 MiB against 247 MiB a
    // node was seen), hence the margin.
    const projectedMiB = perNodeMiB * (size + 1) * 1.5;
    const freeMiB = os.freemem() / 1048576;
    if (projectedMiB > freeMiB) {
      attempts.push({
        debugClients: size,
        ready: false,
        skipped: "memory",
        projectedMiB,
        freeMiB,
      });
      report(
        `capacity ${size}: skipped, needs about ${Math.round(projectedMiB)} MiB, ` +
          `${Math.round(freeMiB)} MiB free`,
      );
      break;
    }
    const started = Date.now();
    try {
      const state = await stack.up({ ...base, clients: String(size), debugClients: "all" });
      const seconds = (Date.now() - started) / 1000;
      const nodes = state.outputs!.nodes as { name: string; rpcUrl: string; container: string }[];
      // One node at a time: right after a large start the machine is loaded and slow to answer.
      const answers: (number | { error: string })[] = [];
      for (const node of nodes) {
        answers.push(await peerCount(node.rpcUrl));
      }
      const peers = answers.filter((answer): answer is number => typeof answer === "number");
      const unanswered = nodes.flatMap((node, i) => {
        const answer = answers[i];
        return typeof answer === "number" ? [] : [{ node: node.name, error: answer.error }];
      });
      const memory = await Promise.all(nodes.map((node) => memoryMiB(node.container)));
      const entry = {
        debugClients: size,
        ready: true,
        upSeconds: seconds,
        answered: `${peers.length}/${nodes.length}`,
        ...(unanswered.length > 0 ? { unanswered } : {}),
        minPeers: peers.length > 0 ? Math.min(...peers) : null,
        medianPeers: peers.length > 0 ? median(peers) : null,
        totalMemoryMiB: Math.round(memory.reduce((a, b) => a + b, 0)),
        load: os.loadavg()[0],
      };
      attempts.push(entry);
      perNodeMiB = entry.totalMemoryMiB / (size + 1);
      report(
        `capacity ${size}: ready in ${seconds.toFixed(1)} s, peers min ${entry.minPeers}, ` +
          `memory ${entry.totalMemoryMiB} MiB`,
      );
    } catch (error) {
      attempts.push({ debugClients: size, ready: false, error: String(error).slice(-2000) });
      report(`capacity ${size}: not ready (${String(error).split("\n")[0]})`);
      break;
    }
  }
  // Kept by the kernel's neighbour table limit, which decides how large a network can get.
  // Sizes measured before under the same limit and not now are kept, each with its own date.
  const key = `neighbourTableLimit ${neighbourTableLimit() ?? "unknown"}`;
  const capacity = (results.capacity ?? {}) as Record<string, CapacityEntry>;
  const earlier = capacity[key];
  const now = measuredNow();
  const measured = new Set(attempts.map((a) => a.debugClients));
  const kept = (earlier?.attempts ?? [])
    .filter((a) => !measured.has(a.debugClients))
    .map((a) => ({ date: earlier!.date, ...a }));
  const all = [...kept, ...attempts.map((a) => ({ date: now.date, ...a }))].sort(
    (a, b) => a.debugClients - b.debugClients,
  );
  const held = all.filter((a) => a.ready).map((a) => a.debugClients);
  capacity[key] = { ...now, attempts: all, largestPeered: Math.max(0, ...held) };
  results.capacity = capacity;
}

interface Attempt {
  debugClients: number;
  ready: boolean;
  date?: string;
  [figure: string]: unknown;
}

interface CapacityEntry {
  date: string;
  runs: number;
  attempts: Attempt[];
  largestPeered: number;
}

// --- where an up's time goes ----------------------------------------------------------------

const PHASES = ["toFirstChange", "changing", "readinessCheck"] as const;
type Phases = Record<(typeof PHASES)[number], number>;

/**
 * Splits one up into: seconds until its first change (process start, loading the program,
 * hashing the checkout, comparing inputs), seconds from then until the readiness check starts
 * (building, creating or replacing volumes and containers), and the readiness check's own
 * seconds (its process start and the wait).
 */
function phasesOf(state: StackState, startedAt: number): Phases {
  const changed = state.actions.filter((a) => a.action !== "same" && a.action !== "delete");
  const check = changed.find((a) => a.key === "command:local:Command::debugnet-ready-check")!;
  const first = Math.min(...changed.map((a) => a.startedAt));
  return {
    toFirstChange: (first - startedAt) / 1000,
    changing: (check.startedAt - first) / 1000,
    readinessCheck: check.ms / 1000,
  };
}

/** The median of each phase over runs. */
function phaseMedians(phases: Phases[]): Phases {
  return Object.fromEntries(
    PHASES.map((phase) => [phase, median(phases.map((entry) => entry[phase]))]),
  ) as Phases;
}

// --- the plain docker run floor -------------------------------------------------------------

/**
 * Starts the same containers with `docker run` (same image, binary, command, network address,
 * ports and rights; the key and genesis bind-mounted instead of uploaded), in parallel, and
 * waits for the same readiness condition. Returns the seconds taken and removes them again.
 */
async function plainDockerRun(specs: ResourceRecord[], plan: ReadinessPlan): Promise<number> {
  const files = fs.mkdtempSync(path.join(os.tmpdir(), "debugnet-floor-"));
  const runs = specs.map((spec) => {
    const inputs = spec.inputs;
    const name = `${inputs.name}-floor`;
    const args = ["run", "-d", "--name", name, "--hostname", inputs.hostname];
    for (const network of inputs.networksAdvanced) {
      args.push("--network", network.name, "--ip", network.ipv4Address);
    }
    for (const port of inputs.ports) {
      args.push("-p", `${port.ip}:${port.external}:${port.internal}`);
    }
    args.push("-v", `${name}-data:/data`);
    for (const volume of inputs.volumes.filter(
      (v: { containerPath: string }) => v.containerPath !== "/data",
    )) {
      args.push(
        "-v",
        `${volume.volumeName}:${volume.containerPath}${volume.readOnly ? ":ro" : ""}`,
      );
    }
    for (const upload of inputs.uploads) {
      const file = path.join(files, `${name}-${path.basename(upload.file)}`);
      fs.writeFileSync(file, upload.content);
      args.push("-v", `${file}:${upload.file}:ro`);
    }
    for (const capability of inputs.capabilities?.adds ?? []) {
      args.push("--cap-add", capability);
    }
    for (const option of inputs.securityOpts ?? []) {
      args.push("--security-opt", option);
    }
    args.push("--entrypoint", inputs.entrypoints[0], inputs.image, ...inputs.command);
    return { name, args };
  });

  const floorPlan: ReadinessPlan = {
    ...plan,
    targets: plan.targets.map((target) => ({ ...target, container: `${target.container}-floor` })),
  };
  const started = Date.now();
  await Promise.all(runs.map((run) => exec("docker", run.args)));
  const probe = networkProbe(engineContainerState(docker));
  const result = await waitUntilReady(floorPlan, { probe });
  const elapsed = (Date.now() - started) / 1000;

  await Promise.all(runs.map((run) => exec("docker", ["rm", "-f", "-v", run.name])));
  await Promise.all(runs.map((run) => exec("docker", ["volume", "rm", `${run.name}-data`])));
  fs.rmSync(files, { recursive: true, force: true });
  if (!result.ready) {
    throw new Error(`docker run floor not ready: ${JSON.stringify(result.notReady)}`);
  }
  return elapsed;
}

// --- helpers --------------------------------------------------------------------------------

function action(state: StackState, key: string): ActionRecord {
  const found = state.actions.find((a) => a.key === key && a.action !== "same");
  if (!found) {
    throw new Error(`${key} did not run`);
  }
  return found;
}

/** The client builds an up ran. */
function buildsIn(state: StackState): ActionRecord[] {
  return state.actions.filter((a) => a.key === BUILD && a.action !== "same");
}

function assertOneBuildAtMost(state: StackState): void {
  const builds = buildsIn(state);
  if (builds.length > 1) {
    throw new Error(`${builds.length} builds in one up`);
  }
}

/** The readiness plan the program gave its readiness check. */
function plannedReadiness(state: StackState): ReadinessPlan {
  const check = state.resources.find(
    (r) => r.key === "command:local:Command::debugnet-ready-check",
  )!;
  return JSON.parse(check.inputs.environment.DEBUGNET_READINESS) as ReadinessPlan;
}

/** A real code change inside the function that runs when a peer connects. */
function editP2p(tag: string): void {
  const file = path.join(checkout, "p2p", "server.go");
  const text = fs.readFileSync(file, "utf8");
  const head = "func (srv *Server) launchPeer(c *conn) *Peer {\n";
  const edited = text.replace(
    new RegExp(`${escape(head)}(\\tsrv\\.log\\.Trace\\("bench edit [^"]*"\\)\\n)?`),
    `${head}\tsrv.log.Trace("bench edit ${tag}")\n`,
  );
  if (edited === text) {
    throw new Error("could not edit p2p/server.go");
  }
  fs.writeFileSync(file, edited);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function memoryMiB(container: string): Promise<number> {
  const stats = await docker.getContainer(container).stats({ stream: false });
  const inactive =
    stats.memory_stats.stats?.total_inactive_file ?? stats.memory_stats.stats?.inactive_file ?? 0;
  return Math.round(((stats.memory_stats.usage ?? 0) - inactive) / 1048576);
}

/**
 * A node's peer count; generous with time, since a loaded machine answers slowly. A failed call
 * gives its error with the cause fetch keeps apart (a refused connection, say).
 */
async function peerCount(rpcUrl: string): Promise<number | { error: string }> {
  try {
    return Number(await rpcCall<string>(rpcUrl, "net_peerCount", [], 30_000));
  } catch (error) {
    const cause = (error as Error).cause;
    return { error: cause ? `${error} (${cause})` : String(error) };
  }
}

function exec(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")}: ${stderr}`)),
    );
  });
}

/** Stamped on each part's results: when it was measured and how many runs each median has. */
function measuredNow(): { date: string; runs: number } {
  return { date: new Date().toISOString(), runs: RUNS };
}

function seconds(record: ActionRecord): number {
  return Math.round(record.ms / 100) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return Math.round(value * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function report(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

async function main(): Promise<void> {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    throw new Error(`the benchmark needs ${missing.join("; ")}`);
  }
  fs.cpSync(SOURCE_DIR, checkout, { recursive: true });
  const earlier = fs.existsSync(RESULTS)
    ? (JSON.parse(fs.readFileSync(RESULTS, "utf8")) as Results)
    : {};
  const results: Results = {
    ...earlier,
    machine: {
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      docker: (await docker.version()).Version,
      kernel: os.release(),
    },
  };
  const save = () => {
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  };
  const sizes = values.sizes!.split(",").map(Number);
  try {
    if (PARTS.includes("build")) {
      await measureBuild(results);
      save();
    }
    if (PARTS.includes("start")) {
      await measureStart(results, sizes);
      save();
    }
    if (PARTS.includes("loop")) {
      await measureLoop(results, Math.max(...sizes));
      save();
    }
    if (PARTS.includes("memory")) {
      await measureMemory(results);
      save();
    }
    if (PARTS.includes("capacity")) {
      await measureCapacity(results, values.capacity!.split(",").map(Number));
      save();
    }
  } finally {
    await stack.destroy().catch((error) => report(`teardown failed: ${error}`));
    stack.dispose();
    fs.rmSync(checkout, { recursive: true, force: true });
  }
  report(`results in ${path.relative(PROJECT_DIR, RESULTS)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
