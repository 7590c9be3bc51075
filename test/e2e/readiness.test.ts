import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { setTimeout as delay } from "timers/promises";
import { after, describe, it } from "node:test";
import Docker from "dockerode";

import { ReadinessPlan } from "../../lib/readiness";
import { BASE_IMAGE, REQUIRED, missingPrerequisites } from "./fixtures";

/**
 * The readiness step's failure report, against real containers: it must name the node, say
 * what is missing and show the end of the node's log.
 */

const missing = missingPrerequisites();
const skip = missing.length > 0 && !REQUIRED ? `needs ${missing.join("; ")}` : false;
const docker = new Docker();
const names = [
  "debugnet-e2e-crashing",
  "debugnet-e2e-silent",
  "debugnet-e2e-looping",
  "debugnet-e2e-usage",
];

function waitReady(plan: ReadinessPlan) {
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    ["--require", "ts-node/register/transpile-only", "scripts/wait-ready.ts"],
    {
      cwd: path.resolve(__dirname, "../.."),
      env: { ...process.env, DEBUGNET_READINESS: JSON.stringify(plan) },
      encoding: "utf8",
    },
  );
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

/** A plan for one node whose RPC never answers, so only its container can end the wait. */
function oneNode(name: string, container: string): ReadinessPlan {
  return {
    timeoutSeconds: 60,
    targets: [{ name, container, rpcUrl: "http://127.0.0.1:9", needsPeers: true }],
  };
}

async function run(name: string, script: string, restart = "no"): Promise<void> {
  const container = await docker.createContainer({
    name,
    Image: BASE_IMAGE,
    Cmd: ["sh", "-c", script],
    HostConfig: { RestartPolicy: { Name: restart } },
  });
  await container.start();
}

describe("readiness failures", { skip }, () => {
  after(async () => {
    for (const name of names) {
      await docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it("stops at once when a node exits, naming it with the end of its log", async () => {
    await run(names[0], 'echo "opening the database"; echo "Fatal: no database" >&2; exit 3');
    await delay(1000);

    const result = waitReady(oneNode("node-7", names[0]));

    assert.equal(result.status, 1);
    assert.ok(result.seconds < 30, `gave up after ${result.seconds} s, not at once`);
    assert.match(result.stderr, /not ready after [\d.]+s: node-7/);
    assert.match(
      result.stderr,
      /node-7 \(container debugnet-e2e-crashing\): the client exited with code 3/,
    );
    assert.match(result.stderr, /standard output:\nopening the database\nend of its standard/);
    assert.match(result.stderr, /end of its standard error:\nFatal: no database$/m);
  });

  it("shows the end of standard error when more standard output was logged after it", async () => {
    // The engine copies the two streams into its log apart, so a client that prints its usage
    // and then its error can have the error logged before the end of the usage.
    const usage = 'for i in $(seq 100); do echo "--flag-$i usage line"; done';
    await run(names[3], `echo "flag provided but not defined" >&2; sleep 0.5; ${usage}; exit 1`);
    await delay(1500);

    const result = waitReady(oneNode("node-6", names[3]));

    assert.equal(result.status, 1);
    assert.match(result.stderr, /end of its standard error:\nflag provided but not defined$/m);
    assert.match(result.stderr, /--flag-100 usage line\n/);
    assert.doesNotMatch(result.stderr, /--flag-80 usage line/, "standard output is cut short");
  });

  it("stops at once when a node keeps exiting under its restart policy", async () => {
    // Nodes restart unless stopped, so a crashing client comes back again and again; between
    // its runs the engine reports it restarting, with the exit code of the last run.
    await run(names[2], 'echo "Fatal: bad flag"; exit 4', "unless-stopped");
    await delay(1000);

    const result = waitReady(oneNode("node-9", names[2]));

    assert.equal(result.status, 1);
    assert.ok(result.seconds < 30, `gave up after ${result.seconds} s, not at once`);
    assert.match(
      result.stderr,
      /node-9 \(container debugnet-e2e-looping\): the client exited with code 4/,
    );
    assert.match(result.stderr, /Fatal: bad flag/);
  });

  it("gives up at the timeout, saying what each node lacks", async () => {
    await run(names[1], 'echo "listening nowhere"; sleep 120');

    const result = waitReady({
      timeoutSeconds: 3,
      targets: [
        {
          name: "node-8",
          container: names[1],
          rpcUrl: "http://127.0.0.1:9",
          needsPeers: true,
          delve: { host: "127.0.0.1", port: 9 },
        },
      ],
    });

    assert.equal(result.status, 1);
    assert.match(result.stdout, /^waiting up to 3s for 1 node$/m);
    assert.match(
      result.stderr,
      new RegExp(
        "node-8 \\(container debugnet-e2e-silent\\): " +
          "RPC does not answer, no peers, Delve does not answer",
      ),
    );
    assert.match(result.stderr, /listening nowhere/);
  });
});
