import { spawn } from "child_process";
import { randomBytes } from "crypto";

import { Handled } from "./docker";
import { only } from "./fields";

/**
 * `command:local:Command` and `random:index/randomBytes:RandomBytes`, carried out for real:
 * commands run on this machine as @pulumi/command runs them (interpreter plus the command as
 * its last argument, the process environment plus `environment`), with their output streamed
 * to the test log.
 */

const COMMAND_FIELDS = [
  "create",
  "delete",
  "interpreter",
  "environment",
  "dir",
  "triggers",
  "logging",
];

export async function createCommand(name: string, inputs: Record<string, any>): Promise<Handled> {
  const args = only("command:local:Command", inputs, COMMAND_FIELDS);
  if (args.create === undefined) {
    return { id: name, outputs: { ...inputs, stdout: "", stderr: "" } };
  }
  const { stdout, stderr } = await run(name, args.create, args, {});
  return { id: name, outputs: { ...inputs, stdout, stderr } };
}

export async function deleteCommand(name: string, outputs: Record<string, any>): Promise<void> {
  if (outputs.delete !== undefined) {
    await run(name, outputs.delete, outputs, {
      PULUMI_COMMAND_STDOUT: outputs.stdout ?? "",
      PULUMI_COMMAND_STDERR: outputs.stderr ?? "",
    });
  }
}

async function run(
  name: string,
  script: string,
  args: Record<string, any>,
  extraEnv: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  const [program, ...interpreterArgs]: string[] = args.interpreter ?? ["/bin/sh", "-c"];
  const child = spawn(program, [...interpreterArgs, script], {
    cwd: args.dir,
    env: { ...process.env, ...(args.environment ?? {}), ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const echo = (text: string) => {
    if (args.logging !== "none") {
      process.stderr.write(text.replace(/^(?=.)/gm, `[${name}] `));
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    echo(chunk.toString());
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    echo(chunk.toString());
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    throw new Error(
      `command ${name} exited with code ${code}\nstdout:\n${stdout.slice(-4000)}\n` +
        `stderr:\n${stderr.slice(-4000)}`,
    );
  }
  // @pulumi/command trims the trailing newline of both streams.
  return { stdout: stdout.replace(/\n$/, ""), stderr: stderr.replace(/\n$/, "") };
}

export function createRandomBytes(name: string, inputs: Record<string, any>): Handled {
  const args = only("random:index/randomBytes:RandomBytes", inputs, ["length"]);
  const bytes = randomBytes(args.length);
  return {
    id: name,
    outputs: { ...inputs, hex: bytes.toString("hex"), base64: bytes.toString("base64") },
  };
}
