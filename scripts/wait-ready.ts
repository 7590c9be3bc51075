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

/**
 * Lines of each stream a failure report shows. A client's log and its fatal error go to standard
 * error, so that one gets more; standard output holds usage text and a developer's own prints.
 */
const TAIL = { stdout: 20, stderr: 40 };
const HEADINGS = { stdout: "standard output", stderr: "standard error" };

/**
 * How many of a container's last log lines are read. The engine applies `tail` before it picks
 * the streams, so the streams are read together and split here.
 */
const SCAN_LINES = 5000;

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
    console.error(await logReport(docker, target.container));
  }
  return 1;
}

/**
 * The end of a container's standard output, then of its standard error, each under a heading.
 * Read apart, because the engine copies the two streams into its log independently: a client
 * that prints its usage and then its error can have the error logged before the usage ends.
 */
async function logReport(docker: Docker, container: string): Promise<string> {
  try {
    const raw = await docker
      .getContainer(container)
      .logs({ stdout: true, stderr: true, tail: SCAN_LINES, follow: false });
    const streams = await demultiplex(docker, raw);
    const sections = (["stdout", "stderr"] as const)
      .map((stream) => ({ stream, lines: lastLines(streams[stream], TAIL[stream]) }))
      .filter(({ lines }) => lines.length > 0)
      .map(({ stream, lines }) => [`end of its ${HEADINGS[stream]}:`, ...lines].join("\n"));
    return sections.length > 0 ? sections.join("\n") : "(its log is empty)";
  } catch (error) {
    return `(could not read the log: ${(error as Error).message})`;
  }
}

function lastLines(text: string, count: number): string[] {
  const trimmed = text.trimEnd();
  return trimmed === "" ? [] : trimmed.split("\n").slice(-count);
}

/** Splits Docker's multiplexed log stream (non-TTY containers) back into its two streams. */
async function demultiplex(
  docker: Docker,
  raw: Buffer,
): Promise<{ stdout: string; stderr: string }> {
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const sink = (into: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into.push(chunk);
        done();
      },
    });
  const source = Readable.from([raw]);
  docker.modem.demuxStream(source, sink(chunks.stdout), sink(chunks.stderr));
  await once(source, "end");
  return {
    stdout: Buffer.concat(chunks.stdout).toString("utf8"),
    stderr: Buffer.concat(chunks.stderr).toString("utf8"),
  };
}

// Set the exit code rather than exit, so output still in the pipe is not cut off.
main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
