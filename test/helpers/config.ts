import * as fs from "fs";
import * as path from "path";

import { ConfigSource, DebugnetConfig, loadConfig } from "../../lib/config";
import { tempDir } from "./temp";

/** An empty directory standing in for a client checkout. */
export function makeCheckout(): string {
  const dir = tempDir("debugnet-checkout");
  fs.mkdirSync(path.join(dir, "cmd", "geth"), { recursive: true });
  fs.writeFileSync(path.join(dir, "go.mod"), "module example.com/client\n");
  return dir;
}

/** A ConfigSource over plain strings, as `pulumi config set` would store them. */
export function mapSource(values: Record<string, string>): ConfigSource {
  return { get: (key) => values[key], keys: () => Object.keys(values) };
}

/** Loads the configuration with the Pulumi.yaml defaults plus `values`. */
export function load(values: Record<string, string>): DebugnetConfig {
  return loadConfig(mapSource(values));
}
