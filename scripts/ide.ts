/**
 * Writes the stack's debugger attach configurations into the client checkout:
 * `.vscode/launch.json` (merged) and `.run/*.run.xml` for GoLand.
 *
 *   npm run ide                          reads the outputs of the stack `dev` (or $DEBUGNET_STACK)
 *   npm run ide -- --outputs out.json    reads outputs saved earlier
 *   npm run ide -- --checkout DIR        writes into DIR instead of the checkout built from
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

import { LaunchDocument, RunConfigFile } from "../lib/ide";
import { writeIdeFiles } from "../lib/ideFiles";

interface StackOutputs {
  sourceDir: string;
  vscodeLaunch: LaunchDocument;
  golandRunConfigs: RunConfigFile[];
}

function readOutputs(file: string | undefined): StackOutputs {
  const text = file
    ? fs.readFileSync(file, "utf8")
    : execFileSync(path.join(__dirname, "pulumi-local.sh"), ["stack", "output", "--json"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
  const outputs = JSON.parse(text) as Partial<StackOutputs>;
  for (const key of ["sourceDir", "vscodeLaunch", "golandRunConfigs"] as const) {
    if (outputs[key] === undefined) {
      throw new Error(`the stack outputs have no ${key}; run \`npm run up\` first`);
    }
  }
  return outputs as StackOutputs;
}

function main(): void {
  const { values } = parseArgs({
    options: { outputs: { type: "string" }, checkout: { type: "string" } },
  });
  const outputs = readOutputs(values.outputs);
  const checkout = path.resolve(values.checkout ?? outputs.sourceDir);
  const { written, removed } = writeIdeFiles(
    checkout,
    outputs.vscodeLaunch,
    outputs.golandRunConfigs,
  );
  for (const file of written) {
    console.log(`wrote ${path.join(checkout, file)}`);
  }
  for (const file of removed) {
    console.log(`removed ${path.join(checkout, file)}`);
  }
  if (written.length + removed.length === 0) {
    console.log(`${checkout}: IDE configurations already up to date`);
  }
}

try {
  main();
} catch (error) {
  // A missing stack or a launch.json that does not parse: one line, no stack trace.
  console.error(`npm run ide: ${(error as Error).message}`);
  process.exitCode = 1;
}
