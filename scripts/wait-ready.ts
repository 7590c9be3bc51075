/**
 * Run by the readiness step of `pulumi up`: waits until the network is ready to debug, printing
 * progress, and on failure names each node that is not ready with the end of its log.
 *
 * Input: the JSON of a ReadinessPlan in the DEBUGNET_READINESS environment variable.
 */
import Docker from "dockerode";
import { once } from "events";
import { Readable, Writable } from "stream";

import { engineContainerState } from "../lib/containers";
import { ReadinessPlan, networkProbe, waitUntilReady } from "../lib/readiness";

const LOG_LINES = 40;

async function main(): Promise<number> {
  const plan = JSON.parse(process.env.DEBUGNET_READINESS ?? "") as ReadinessPlan;
  const docker = new Docker();
  const count = plan.targets.length;
  console.log(`waiting up to ${plan.timeoutSeconds}s for ${count} node${count === 1 ? "" : "s"}`);

  const probe = networkProbe(engineContainerState(docker));
  const result = await waitUntilReady(plan, { probe, progress: (line) => console.log(line) });
  if (result.ready) {
    return 0;
  }

  const names = result.notReady.map((entry) => entry.target.name).join(", ");
  console.error(`not ready after ${result.seconds}s: ${names}`);
  for (const { target, missing } of result.notReady) {
    console.error(`\n${target.name} (container ${target.container}): ${missing.join(", ")}`);
    console.error(`last ${LOG_LINES} lines of its log:`);
    console.error(await logTail(docker, target.container));
  }
  return 1;
}

async function logTail(docker: Docker, container: string): Promise<string> {
  try {
    const raw = await docker
      .getContainer(container)
      .logs({ stdout: true, stderr: true, tail: LOG_LINES, follow: false });
    return await demultiplex(docker, raw);
  } catch (error) {
    return `(could not read the log: ${(error as Error).message})`;
  }
}

/** Splits Docker's multiplexed log stream (non-TTY containers) back into text. */
async function demultiplex(docker: Docker, raw: Buffer): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const source = Readable.from([raw]);
  docker.modem.demuxStream(source, sink, sink);
  await once(source, "end");
  return Buffer.concat(chunks).toString("utf8").trimEnd();
}

// Set the exit code rather than exit, so output still in the pipe is not cut off.
main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
