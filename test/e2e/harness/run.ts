/**
 * Runs the unchanged program (index.ts and components/) once through the harness engine, in a
 * process of its own as `pulumi up` would, or tears a stack down as `pulumi destroy` would.
 *
 *   run.ts up STATE_FILE CONFIG_JSON
 *   run.ts destroy STATE_FILE [TARGET_REGEX]
 *
 * CONFIG_JSON maps project keys (without the project prefix) to values as the CLI stores them.
 * The outcome is in STATE_FILE: resources, the run's actions and the stack outputs.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { HarnessEngine } from "./engine";

const PROJECT = "eth-debugnet";
const STACK = "e2e";

async function up(statePath: string, config: Record<string, string>): Promise<void> {
  const engine = new HarnessEngine(statePath);
  await pulumi.runtime.setMocks(engine, PROJECT, STACK, false);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, value])),
  );

  const program = await import(path.resolve(__dirname, "../../../index"));
  const outputs = await Promise.race([resolveDeep(program), engine.failed]);
  // Let the SDK finish what it still has in flight (component outputs and the like).
  await Promise.race([pulumi.runtime.disconnect(), engine.failed]);
  await engine.finish(outputs as Record<string, unknown>);
}

/** Awaits every Output inside a value (the program's exports), revealing secrets. */
async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const inner = await new Promise((resolve) => value.apply(resolve));
    return resolveDeep(inner);
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map(resolveDeep));
  }
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value)
        .filter(([key]) => key !== "default" && key !== "__esModule")
        .map(async ([key, inner]) => [key, await resolveDeep(inner)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

async function main(): Promise<void> {
  const [mode, statePath, argument] = process.argv.slice(2);
  if (mode === "up") {
    await up(statePath, JSON.parse(argument));
  } else if (mode === "destroy") {
    await new HarnessEngine(statePath).destroy(argument ? new RegExp(argument) : undefined);
  } else {
    throw new Error(`unknown mode ${mode}; expected up or destroy`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
