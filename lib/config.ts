import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

import { isValidNodeKey } from "./enode";
import {
  BOOTNODE_NAME,
  CONTAINER_DELVE_PORT,
  CONTAINER_RPC_PORT,
  MAX_PORT,
  PortRange,
  Subnet,
  clientCapacity,
  clientName,
  parsePortRange,
  parseSubnet,
  rangeSize,
  rangesOverlap,
} from "./plan";
import { PLACEHOLDERS, placeholdersIn } from "./template";

/**
 * The one typed view of the stack configuration. Every key, its type and its default are
 * declared once, in Pulumi.yaml; this module reads that declaration, applies the defaults the
 * Pulumi CLI would apply, and checks everything before any resource is declared.
 */

export interface GenesisFile {
  /** Absolute path on this machine. */
  path: string;
  /** The file's text, uploaded unchanged into every node. */
  text: string;
  /** `config.chainId` of the genesis. */
  chainId: number;
}

export interface DebugnetConfig {
  /** Directory holding Pulumi.yaml; relative paths in the configuration start here. */
  projectDir: string;
  /** Absolute path of the client checkout. Default: `../go-ethereum` from the project. */
  sourceDir: string;
  /** Globs whose changes do not rebuild the client. Default: VCS, IDE, build output, tests. */
  sourceExcludes: string[];
  /** File name the build writes to `$DEBUGNET_OUT`. Default: `geth`. */
  binary: string;
  /** Build command run in the checkout. Default: an unoptimised `go build` of `./cmd/geth`. */
  buildCommand: string;
  /** Arguments that initialise a data directory; empty skips it. Default: geth's `init`. */
  initArgs: string[];
  /** Flags every node runs with, placeholders filled in per node. Default: geth's flags. */
  clientFlags: string[];
  /** Base of the development image. Default: `golang:1.26-bookworm`. */
  baseImage: string;
  /** Delve version installed in the image. Default: `v1.27.2`. */
  delveVersion: string;
  /** Client nodes besides the bootnode. Default: 2. */
  clients: number;
  /** Names of the clients that run under Delve. Default: every client. */
  debugClients: string[];
  /** Names of the debug clients held until a debugger continues them. Default: none. */
  waitForDebugger: string[];
  /** Docker network name, and prefix of every container and volume. Default: `debugnet`. */
  networkName: string;
  /** The network's subnet. Default: `10.213.17.0/24`. */
  subnet: Subnet;
  /** devp2p TCP and discovery UDP port inside the network. Default: 30303. */
  p2pPort: number;
  /** Host ports for HTTP RPC on 127.0.0.1. Default: 18545-18644. */
  rpcPorts: PortRange;
  /** Host ports for Delve on 127.0.0.1. Default: 23450-23549. */
  delvePorts: PortRange;
  /** Client log verbosity, 0 to 5. Default: 3. */
  verbosity: number;
  /** Extra flags by node name; the key "all" applies to every node. Default: none. */
  extraFlags: Record<string, string[]>;
  /** The genesis every node starts from. Default: the shipped `genesis/genesis.json`. */
  genesis: GenesisFile;
  /** The network id passed to every node, never 0. Default: the genesis chain id. */
  networkId: number;
  /** Node keys from configuration, by node name. Plain text: wrap them before use. */
  nodeKeys: Record<string, string>;
  /** Seconds `pulumi up` waits for the network to be ready. Default: 180. */
  readyTimeout: number;
}

/** Where the loader reads raw values: `pulumi.Config` in a program, a plain map in tests. */
export interface ConfigSource {
  /** The raw value of a project key as the CLI passes it (JSON for arrays and objects). */
  get(key: string): string | undefined;
  /** Every project key that has a value in the stack. */
  keys(): string[];
}

type DeclaredType = "string" | "integer" | "array" | "object";

interface Declaration {
  type: DeclaredType;
  default: unknown;
}

/** Thrown with every problem found, so one run reports them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `${problems.length} configuration problem${problems.length === 1 ? "" : "s"}; ` +
        "nothing was created:\n" +
        problems.map((problem) => `  - ${problem}`).join("\n") +
        "\nChange them with `pulumi config set` (`--path` for lists and objects; for the " +
        "local stack: `scripts/pulumi-local.sh config set`) or in the stack's YAML file, " +
        "and run again.",
    );
    this.name = "ConfigError";
  }
}

/** Keys whose values are never echoed in messages. */
const SECRET_KEYS = new Set(["nodeKeys"]);

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const VERSION_PATTERN = /^(v\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?|latest)$/;

/** The directory holding Pulumi.yaml, `image/` and `scripts/`. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * The declared keys of Pulumi.yaml with their types and defaults. The CLI's project schema knows
 * no object type, so a key whose default is an object declares no type and is read as one.
 */
export function readDeclarations(projectDir: string): Map<string, Declaration> {
  const project = YAML.parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));
  const entries = Object.entries(project.config ?? {}) as [string, Partial<Declaration>][];
  return new Map(
    entries.map(([key, decl]) => {
      const isObject =
        typeof decl.default === "object" && decl.default !== null && !Array.isArray(decl.default);
      const type = decl.type ?? (isObject ? "object" : undefined);
      if (type === undefined) {
        throw new Error(`Pulumi.yaml declares ${key} with neither a type nor an object default`);
      }
      return [key, { type, default: decl.default }];
    }),
  );
}

/** Reads, defaults and checks the whole configuration; throws a ConfigError listing problems. */
export function loadConfig(source: ConfigSource, projectDir = PROJECT_DIR): DebugnetConfig {
  const declarations = readDeclarations(projectDir);
  const problems: string[] = [];
  const report = (key: string, got: unknown, expected: string) =>
    problems.push(`${key}: got ${show(key, got)}; expected ${expected}`);

  for (const key of source.keys()) {
    if (!declarations.has(key)) {
      const known = [...declarations.keys()].join(", ");
      problems.push(`${key}: not a key of this project; known keys: ${known}`);
    }
  }

  const raw = (key: string): unknown => {
    const declaration = declarations.get(key);
    if (!declaration) {
      throw new Error(`Pulumi.yaml does not declare the key ${key}`);
    }
    const text = source.get(key);
    return text === undefined ? declaration.default : decode(text, declaration.type);
  };

  const string = (key: string, pattern?: RegExp, expected?: string): string => {
    const value = raw(key);
    if (typeof value !== "string" || value.trim() === "") {
      report(key, value, expected ?? "a non-empty string");
      return "";
    }
    if (pattern && !pattern.test(value)) {
      report(key, value, expected ?? `a value matching ${pattern}`);
    }
    return value;
  };

  const integer = (key: string, min: number, max: number, why = ""): number => {
    const value = raw(key);
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      report(key, value, `a whole number from ${min} to ${max}${why}`);
      return min;
    }
    return value;
  };

  const strings = (key: string): string[] => {
    const value = raw(key);
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      report(key, value, "a list of strings");
      return [];
    }
    return value;
  };

  const object = (key: string, allowedKeys: string[]): Record<string, unknown> => {
    const value = raw(key);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      report(key, value, `an object with keys among: ${allowedKeys.join(", ")}`);
      return {};
    }
    for (const inner of Object.keys(value)) {
      if (!allowedKeys.includes(inner)) {
        problems.push(
          `${key}: unknown key ${JSON.stringify(inner)}; allowed keys: ${allowedKeys.join(", ")}`,
        );
      }
    }
    return value as Record<string, unknown>;
  };

  const subnetText = string("subnet");
  const parsedSubnet = parseSubnet(subnetText);
  const room = parsedSubnet ? clientCapacity(parsedSubnet) : 0;
  if (subnetText && !parsedSubnet) {
    report("subnet", subnetText, "an IPv4 network in CIDR form, such as 10.213.17.0/24");
  } else if (parsedSubnet && room < 1) {
    report(
      "subnet",
      subnetText,
      "a network with room for the gateway, the bootnode and a client: /29 or larger",
    );
  }
  const subnet = room >= 1 ? parsedSubnet : undefined;
  // Without a usable subnet, the host ports still bound the count: one RPC port per node.
  const capacity = subnet ? room : MAX_PORT - 1;
  const clientsWhy = subnet ? ` (the subnet ${subnet.cidr} holds ${capacity} clients)` : "";
  const clients = integer("clients", 1, capacity, clientsWhy);
  const clientNames = Array.from({ length: clients }, (_, i) => clientName(i + 1));
  const nodeNames = [BOOTNODE_NAME, ...clientNames];

  const rpcPorts = portRange("rpcPorts", clients + 1, "node");
  const delvePorts = portRange("delvePorts", clients, "client");
  if (rpcPorts && delvePorts && rangesOverlap(rpcPorts, delvePorts)) {
    problems.push(
      `rpcPorts and delvePorts: got ${show("rpcPorts", raw("rpcPorts"))} and ` +
        `${show("delvePorts", raw("delvePorts"))}; expected two ranges that share no port`,
    );
  }

  function portRange(key: string, needed: number, what: string): PortRange | undefined {
    const text = string(key);
    const range = parsePortRange(text);
    if (!range) {
      if (text) {
        report(key, text, "FIRST-LAST with 1 <= FIRST <= LAST <= 65535");
      }
      return undefined;
    }
    if (rangeSize(range) < needed) {
      report(
        key,
        text,
        `a range of at least ${needed} ports, one per ${what} (clients: ${clients})`,
      );
    }
    return range;
  }

  const debugClients = selection("debugClients", clientNames, "clients");
  const waitForDebugger = selection("waitForDebugger", debugClients, "debug clients");

  function selection(key: string, allowed: string[], what: string): string[] {
    const text = string(key);
    if (text === "all") {
      return allowed;
    }
    if (text === "none" || text === "") {
      return [];
    }
    const names = text.split(",").map((name) => name.trim());
    const outside = names.filter((name) => !allowed.includes(name));
    if (outside.length > 0) {
      const choices = allowed.length > 0 ? allowed.join(", ") : "none";
      report(key, text, `"all", "none" or a comma-separated list of ${what} (${choices})`);
    }
    return names.filter((name) => allowed.includes(name));
  }

  const flagKeys = ["all", ...nodeNames];
  const extraFlags: Record<string, string[]> = {};
  for (const [name, flags] of Object.entries(object("extraFlags", flagKeys))) {
    if (!Array.isArray(flags) || !flags.every((flag) => typeof flag === "string")) {
      report(`extraFlags.${name}`, flags, "a list of strings");
    } else if (flagKeys.includes(name)) {
      extraFlags[name] = flags;
    }
  }

  const nodeKeys: Record<string, string> = {};
  for (const [name, key] of Object.entries(object("nodeKeys", nodeNames))) {
    if (typeof key !== "string" || !isValidNodeKey(key)) {
      report(`nodeKeys.${name}`, key, "64 hex digits (32 bytes) forming a secp256k1 secret key");
    } else if (nodeNames.includes(name)) {
      nodeKeys[name] = key.toLowerCase();
    }
  }
  const keyOwners = new Map<string, string>();
  for (const [name, key] of Object.entries(nodeKeys)) {
    const first = keyOwners.get(key);
    if (first === undefined) {
      keyOwners.set(key, name);
    } else {
      problems.push(
        `nodeKeys.${name}: got the key of nodeKeys.${first}; expected a key of its own ` +
          "(nodes with one key share one identity and cannot peer)",
      );
    }
  }

  const initArgs = strings("initArgs");
  const clientFlags = strings("clientFlags");
  const templated: [string, string[]][] = [
    ["initArgs", initArgs],
    ["clientFlags", clientFlags],
    ...Object.entries(extraFlags).map(([name, flags]): [string, string[]] => [
      `extraFlags.${name}`,
      flags,
    ]),
  ];
  const known: readonly string[] = PLACEHOLDERS;
  for (const [key, list] of templated) {
    if (list.flatMap(placeholdersIn).some((name) => !known.includes(name))) {
      report(key, list, `placeholders among {${PLACEHOLDERS.join("} {")}}`);
    }
  }

  const sourceText = string("source");
  const sourceDir = path.resolve(projectDir, sourceText);
  if (sourceText && !isDirectory(sourceDir)) {
    report("source", sourceText, `an existing directory (looked for ${sourceDir})`);
  } else if (sourceDir.includes(",")) {
    // The build mounts the checkout with `docker run --mount`, whose value is comma-separated.
    report("source", sourceText, "a path without commas");
  }

  const genesis = readGenesis(string("genesisFile"));

  function readGenesis(text: string): GenesisFile {
    const file = path.resolve(projectDir, text);
    const fallback = { path: file, text: "", chainId: 0 };
    if (!text) {
      return fallback;
    }
    let body: string;
    try {
      body = fs.readFileSync(file, "utf8");
    } catch {
      report("genesisFile", text, `a readable genesis JSON file (looked for ${file})`);
      return fallback;
    }
    let chainId: unknown;
    try {
      chainId = JSON.parse(body)?.config?.chainId;
    } catch {
      // Reported below with the same message as a missing chain id.
    }
    if (typeof chainId !== "number" || !Number.isInteger(chainId) || chainId < 1) {
      report("genesisFile", text, "genesis JSON with a positive integer config.chainId");
      return fallback;
    }
    return { path: file, text: body, chainId };
  }

  const networkId = integer("networkId", 0, Number.MAX_SAFE_INTEGER);

  function p2pPort(): number {
    const port = integer("p2pPort", 1, MAX_PORT);
    if (port === CONTAINER_RPC_PORT || port === CONTAINER_DELVE_PORT) {
      const taken = `${CONTAINER_RPC_PORT} (RPC) and ${CONTAINER_DELVE_PORT} (Delve)`;
      report("p2pPort", port, `a port other than ${taken}, which every container uses`);
    }
    return port;
  }

  const config: DebugnetConfig = {
    projectDir,
    sourceDir,
    sourceExcludes: strings("sourceExcludes"),
    binary: string("binary", NAME_PATTERN, "a file name of letters, digits, '.', '_' or '-'"),
    buildCommand: string("buildCommand"),
    initArgs,
    clientFlags,
    baseImage: string("baseImage"),
    delveVersion: string(
      "delveVersion",
      VERSION_PATTERN,
      'a version tag such as v1.27.2, or "latest"',
    ),
    clients,
    debugClients,
    waitForDebugger,
    networkName: string(
      "networkName",
      NAME_PATTERN,
      "a Docker object name: letters, digits, '.', '_' or '-', starting with a letter or digit",
    ),
    subnet: subnet ?? { cidr: subnetText, base: 0, prefix: 32 },
    p2pPort: p2pPort(),
    rpcPorts: rpcPorts ?? { first: 0, last: 0 },
    delvePorts: delvePorts ?? { first: 0, last: 0 },
    verbosity: integer("verbosity", 0, 5),
    extraFlags,
    genesis,
    networkId: networkId === 0 ? genesis.chainId : networkId,
    nodeKeys,
    readyTimeout: integer("readyTimeout", 1, 3600),
  };

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}

/** Turns the CLI's text form of a value into the declared type; leaves it as text otherwise. */
function decode(text: string, type: DeclaredType): unknown {
  switch (type) {
    case "integer":
      return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
    case "array":
    case "object":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    case "string":
      return text;
  }
}

function show(key: string, value: unknown): string {
  const root = key.split(".")[0];
  if (SECRET_KEYS.has(root)) {
    return typeof value === "string"
      ? `a secret of ${value.length} characters`
      : `a secret that is not a string`;
  }
  return JSON.stringify(value) ?? String(value);
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Loads the running stack's configuration. Problems are thrown as a RunError, which the Pulumi
 * CLI prints as its message alone, with no stack trace around the list.
 */
export function loadStackConfig(): DebugnetConfig {
  const pulumi = pulumiSdk();
  try {
    return loadConfig(stackConfigSource());
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new pulumi.RunError(error.message);
    }
    throw error;
  }
}

/** The running stack's configuration as a ConfigSource. */
function stackConfigSource(): ConfigSource {
  const pulumi = pulumiSdk();
  const project = pulumi.getProject();
  const config = new pulumi.Config();
  return {
    get: (key) => config.get(key),
    keys: () =>
      Object.keys(pulumi.runtime.allConfig())
        .filter((key) => key.startsWith(`${project}:`))
        .map((key) => key.slice(project.length + 1)),
  };
}

/** The Pulumi SDK, loaded on use so the rest of this module works without its runtime. */
function pulumiSdk(): typeof import("@pulumi/pulumi") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
}
