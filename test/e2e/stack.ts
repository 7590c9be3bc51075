import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import type { StackState } from "./harness/engine";

const RUNNER = path.join(__dirname, "harness", "run.ts");

/** A failed harness run, with everything it printed. */
export class HarnessError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * A stack carried out by the harness: each `up` and `destroy` runs in a process of its own, as
 * the Pulumi CLI would run the program, and leaves its outcome in a state file.
 */
export class HarnessStack {
  readonly statePath: string;

  /** @param log receives the harness's output; by default it goes to this process's stderr */
  constructor(private readonly log: (chunk: Buffer) => void = (c) => process.stderr.write(c)) {
    this.statePath = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), "debugnet-e2e-")),
      "state.json",
    );
  }

  up(config: Record<string, string>): Promise<StackState> {
    return this.run(["up", this.statePath, JSON.stringify(config)]);
  }

  /** Destroys everything, or only the resources whose `type::name` key matches `target`. */
  destroy(target?: RegExp): Promise<StackState> {
    return this.run(["destroy", this.statePath, ...(target ? [target.source] : [])]);
  }

  /** Removes the state file's directory, once nothing is left to destroy. */
  dispose(): void {
    if (this.state().resources.length === 0) {
      fs.rmSync(path.dirname(this.statePath), { recursive: true, force: true });
    }
  }

  state(): StackState {
    return fs.existsSync(this.statePath)
      ? (JSON.parse(fs.readFileSync(this.statePath, "utf8")) as StackState)
      : { resources: [], actions: [] };
  }

  private async run(args: string[]): Promise<StackState> {
    const child = spawn(
      process.execPath,
      ["--require", require.resolve("ts-node/register/transpile-only"), RUNNER, ...args],
      { cwd: path.resolve(__dirname, "../.."), stdio: ["ignore", "inherit", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      this.log(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) {
      const message = `harness ${args[0]} failed (exit ${code}):\n${stderr.slice(-6000)}`;
      throw new HarnessError(message, stderr);
    }
    return this.state();
  }
}
