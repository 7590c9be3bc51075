import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ReadinessPlan,
  ReadinessTarget,
  TargetState,
  pending,
  waitUntilReady,
} from "../../lib/readiness";

const bootnode: ReadinessTarget = {
  name: "bootnode",
  container: "net-bootnode",
  rpcUrl: "http://127.0.0.1:1",
  needsPeers: false,
};
const client: ReadinessTarget = {
  name: "node-1",
  container: "net-node-1",
  rpcUrl: "http://127.0.0.1:2",
  needsPeers: true,
  delve: { host: "127.0.0.1", port: 3 },
};
const waiting: ReadinessTarget = {
  name: "node-2",
  container: "net-node-2",
  needsPeers: true,
  delve: { host: "127.0.0.1", port: 4 },
};
const ready: TargetState = { rpc: true, peers: 1, delve: true };
const down: TargetState = { rpc: false, peers: 0, delve: false };

/** A clock that advances by the interval every time the waiter sleeps (intervalMs 0). */
function fakeClock(stepMs: number) {
  let time = 0;
  return () => (time += stepMs);
}

describe("what a node still lacks", () => {
  it("is RPC, peers and Delve for a running debug client", () => {
    assert.deepEqual(pending(client, down), [
      "RPC does not answer",
      "no peers",
      "Delve does not answer",
    ]);
    assert.deepEqual(pending(client, { ...ready, peers: 0 }), ["no peers"]);
    assert.deepEqual(pending(client, ready), []);
  });

  it("is only Delve for a client waiting for the debugger", () => {
    assert.deepEqual(pending(waiting, down), ["Delve does not answer"]);
    assert.deepEqual(pending(waiting, { ...down, delve: true }), []);
  });

  it("asks no peers of the bootnode", () => {
    assert.deepEqual(pending(bootnode, { ...ready, peers: 0, delve: false }), []);
  });

  it("is a running container, whatever else answers", () => {
    assert.deepEqual(pending(client, { ...ready, exitCode: 2 }), [
      "the client exited with code 2",
    ]);
  });
});

describe("waiting for the network", () => {
  const plan: ReadinessPlan = { targets: [bootnode, client, waiting], timeoutSeconds: 60 };

  it("ends when every node is ready, reporting progress meanwhile", async () => {
    let round = 0;
    const lines: string[] = [];
    const result = await waitUntilReady(plan, {
      probe: async (target) => (target === client && round++ < 3 ? down : ready),
      progress: (line) => lines.push(line),
      intervalMs: 0,
      progressEveryMs: 1000,
      now: fakeClock(1000),
    });
    assert.equal(result.ready, true);
    assert.deepEqual(lines, [
      "waiting 1s: RPC 1/2, peered 0/1, Delve 1/2",
      "waiting 2s: RPC 1/2, peered 0/1, Delve 1/2",
      "waiting 3s: RPC 1/2, peered 0/1, Delve 1/2",
      "all 3 nodes ready after 4s",
    ]);
  });

  it("gives up at the timeout, naming what each node lacks", async () => {
    const result = await waitUntilReady(plan, {
      probe: async (target) => (target === bootnode ? ready : down),
      intervalMs: 0,
      now: fakeClock(10_000),
    });
    assert.equal(result.ready, false);
    assert.ok(result.seconds >= 60);
    assert.deepEqual(
      result.notReady.map((entry) => [entry.target.name, entry.missing]),
      [
        ["node-1", ["RPC does not answer", "no peers", "Delve does not answer"]],
        ["node-2", ["Delve does not answer"]],
      ],
    );
  });

  it("stops at once when a container has exited", async () => {
    let probes = 0;
    const result = await waitUntilReady(plan, {
      probe: async (target) => {
        probes++;
        return target === client ? { ...down, exitCode: 1 } : ready;
      },
      intervalMs: 0,
      now: fakeClock(1000),
    });
    assert.equal(result.ready, false);
    assert.equal(probes, 3, "one round of probes only");
    assert.deepEqual(result.notReady[0].missing, ["the client exited with code 1"]);
  });

  it("is not held back by a probe that hangs", async () => {
    // The first probe of the client never answers until the wait is over, as a connection
    // through a port the engine has just published can; later probes find it ready.
    let clientProbes = 0;
    let hungProbeAborted = false;
    const result = await waitUntilReady(
      { targets: [bootnode, client], timeoutSeconds: 60 },
      {
        probe: (target, signal) => {
          if (target === client && clientProbes++ === 0) {
            return new Promise((_, reject) =>
              signal.addEventListener("abort", () => {
                hungProbeAborted = true;
                reject(signal.reason);
              }),
            );
          }
          return Promise.resolve(ready);
        },
        intervalMs: 5,
      },
    );
    assert.equal(result.ready, true);
    assert.equal(clientProbes, 2);
    assert.equal(hungProbeAborted, true, "the hung probe is ended with the wait");
  });

  it("counts a target's newest answer, not a late one from before", async () => {
    // The client's first probe answers "down" only after its second has answered "ready".
    let clientProbes = 0;
    let releaseFirst: () => void = () => undefined;
    const lines: string[] = [];
    const result = await waitUntilReady(
      { targets: [client, waiting], timeoutSeconds: 60 },
      {
        probe: async (target) => {
          if (target === waiting) {
            // Ready from the third round on, so the wait outlasts the late answer.
            return clientProbes >= 3 ? { ...down, delve: true } : down;
          }
          const probe = ++clientProbes;
          if (probe === 1) {
            await new Promise<void>((resolve) => (releaseFirst = resolve));
            return down;
          }
          if (probe === 2) {
            setTimeout(() => releaseFirst(), 1);
          }
          return ready;
        },
        progress: (line) => lines.push(line),
        intervalMs: 5,
        progressEveryMs: 0,
      },
    );
    assert.equal(result.ready, true);
    assert.ok(
      lines.slice(1, -1).every((line) => line.includes("RPC 1/1, peered 1/1")),
      `the client counts as ready from its second answer on: ${lines.join(" | ")}`,
    );
  });

  it("keeps at most maxUnanswered probes of one target out", async () => {
    let out = 0;
    let most = 0;
    const result = await waitUntilReady(
      { targets: [client], timeoutSeconds: 0.1 },
      {
        probe: (_target, signal) => {
          most = Math.max(most, ++out);
          return new Promise((_, reject) => signal.addEventListener("abort", reject));
        },
        intervalMs: 5,
        maxUnanswered: 3,
      },
    );
    assert.equal(result.ready, false);
    assert.equal(most, 3);
    assert.deepEqual(result.notReady[0].missing, [
      "RPC does not answer",
      "no peers",
      "Delve does not answer",
    ]);
  });

  it("fails when a probe fails", async () => {
    await assert.rejects(
      waitUntilReady(plan, {
        probe: async (target) => {
          if (target === waiting) {
            throw new Error("no such container: net-node-2");
          }
          return ready;
        },
        intervalMs: 0,
      }),
      /no such container: net-node-2/,
    );
  });
});
