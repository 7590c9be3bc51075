import * as fs from "fs";
import * as path from "path";

import { LaunchDocument, RunConfigFile, isOwnRunConfig } from "./ide";
import { mergeLaunchJson } from "./launchMerge";

/**
 * Writes the attach configurations into a checkout: `.vscode/launch.json` merged with what is
 * there, and one `.run/<name>.run.xml` per debug client, removing our own run configurations
 * for clients that no longer exist. Returns the paths written and removed, relative to it.
 */
export function writeIdeFiles(
  checkout: string,
  launch: LaunchDocument,
  runConfigs: RunConfigFile[],
): { written: string[]; removed: string[] } {
  const written: string[] = [];
  const removed: string[] = [];

  const launchPath = path.join(checkout, ".vscode", "launch.json");
  const existing = fs.existsSync(launchPath) ? fs.readFileSync(launchPath, "utf8") : undefined;
  const merged = mergeLaunchJson(existing, launch);
  if (merged !== existing) {
    fs.mkdirSync(path.dirname(launchPath), { recursive: true });
    fs.writeFileSync(launchPath, merged);
    written.push(path.relative(checkout, launchPath));
  }

  const runDir = path.join(checkout, ".run");
  const wanted = new Set(runConfigs.map((file) => file.fileName));
  const present = fs.existsSync(runDir) ? fs.readdirSync(runDir) : [];
  for (const stale of present.filter((name) => isOwnRunConfig(name) && !wanted.has(name))) {
    fs.rmSync(path.join(runDir, stale));
    removed.push(path.join(".run", stale));
  }
  for (const file of runConfigs) {
    const target = path.join(runDir, file.fileName);
    if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== file.content) {
      fs.mkdirSync(runDir, { recursive: true });
      fs.writeFileSync(target, file.content);
      written.push(path.join(".run", file.fileName));
    }
  }
  return { written, removed };
}
