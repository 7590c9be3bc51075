import { CONTAINER_DELVE_PORT, CONTAINER_RPC_PORT } from "./plan";
import { PlaceholderValues, expand } from "./template";

/** Paths inside every node container. */
export const DATA_DIR = "/data";
export const CONFIG_DIR = "/etc/debugnet";
export const NODE_KEY_FILE = `${CONFIG_DIR}/nodekey`;
export const GENESIS_FILE = `${CONFIG_DIR}/genesis.json`;
export const BIN_DIR = "/opt/debugnet/bin";

/** The entry script of the development image; see image/debugnet-node. */
export const NODE_ENTRYPOINT = "debugnet-node";

/** Separates the init command from the run command in the entry script's arguments. */
export const COMMAND_SEPARATOR = "--";

export interface LaunchSpec {
  /** Client binary file name inside BIN_DIR. */
  binary: string;
  /** Init arguments as configured, placeholders unexpanded; empty skips the init step. */
  initArgs: string[];
  /** Client flags as configured plus the node's extra flags, placeholders unexpanded. */
  flags: string[];
  /** The node's own values for the placeholders that differ between nodes. */
  node: { ip: string; bootnodes: string };
  /** Values shared by every node. */
  network: { p2pPort: number; subnet: string; networkId: number; verbosity: number };
  /** Present when the client runs under a headless Delve server. */
  delve?: { waitForDebugger: boolean };
}

/**
 * The container command: the entry script runs the init command (if any) and then execs the
 * client, directly or under `dlv exec`. Delve listens on all interfaces inside the container;
 * the host publishes that port on 127.0.0.1 only, because the server is unauthenticated.
 */
export function containerCommand(spec: LaunchSpec): string[] {
  const binaryPath = `${BIN_DIR}/${spec.binary}`;
  const values: PlaceholderValues = {
    datadir: DATA_DIR,
    nodekey: NODE_KEY_FILE,
    genesis: GENESIS_FILE,
    ip: spec.node.ip,
    p2pPort: String(spec.network.p2pPort),
    rpcPort: String(CONTAINER_RPC_PORT),
    subnet: spec.network.subnet,
    networkId: String(spec.network.networkId),
    bootnodes: spec.node.bootnodes,
    verbosity: String(spec.network.verbosity),
  };
  const init = spec.initArgs.length > 0 ? [binaryPath, ...spec.initArgs] : [];
  const flags = spec.flags.map((flag) => expand(flag, values));
  const run = spec.delve ? delveCommand(binaryPath, spec.delve.waitForDebugger) : [binaryPath];
  const runArgs = spec.delve ? [COMMAND_SEPARATOR, ...flags] : flags;
  return [...init.map((arg) => expand(arg, values)), COMMAND_SEPARATOR, ...run, ...runArgs];
}

function delveCommand(binaryPath: string, waitForDebugger: boolean): string[] {
  return [
    "dlv",
    "exec",
    binaryPath,
    "--headless",
    `--listen=:${CONTAINER_DELVE_PORT}`,
    "--api-version=2",
    "--accept-multiclient",
    ...(waitForDebugger ? [] : ["--continue"]),
  ];
}
