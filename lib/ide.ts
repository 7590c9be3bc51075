import { create } from "xmlbuilder2";

/**
 * Debugger attach configurations for VS Code (Go extension, dlv-dap) and GoLand (Go Remote),
 * rendered from the stack's debug clients. Entries this project owns carry the OWNER prefix in
 * their names; lib/launchMerge.ts merges them into a launch.json the developer already has.
 */

export const OWNER = "eth-debugnet";

/** One Delve server to attach to. */
export interface DebugTarget {
  /** Node name, such as `node-1`. */
  name: string;
  host: string;
  port: number;
}

export interface VsCodeAttach {
  name: string;
  type: "go";
  request: "attach";
  mode: "remote";
  debugAdapter: "dlv-dap";
  host: string;
  port: number;
  substitutePath: { from: string; to: string }[];
}

export interface VsCodeCompound {
  name: string;
  configurations: string[];
  stopAll: boolean;
}

export interface LaunchDocument {
  version: "0.2.0";
  configurations: VsCodeAttach[];
  compounds: VsCodeCompound[];
}

export interface RunConfigFile {
  /** File name inside the checkout's `.run` directory. */
  fileName: string;
  content: string;
}

export function vscodeEntryName(target: string): string {
  return `${OWNER}: ${target}`;
}

/**
 * A launch.json document with one remote attach per debug client and, when there is at least
 * one, a compound that attaches to all of them. `substitutePath` maps the checkout on this
 * machine to the path the binary was built from, so breakpoints set in the editor resolve.
 */
export function vscodeLaunch(
  targets: DebugTarget[],
  sourceDir: string,
  buildDir: string,
): LaunchDocument {
  const configurations = targets.map((target): VsCodeAttach => ({
    name: vscodeEntryName(target.name),
    type: "go",
    request: "attach",
    mode: "remote",
    debugAdapter: "dlv-dap",
    host: target.host,
    port: target.port,
    substitutePath: [{ from: sourceDir, to: buildDir }],
  }));
  const compounds =
    configurations.length > 0
      ? [
          {
            name: vscodeEntryName("all clients"),
            configurations: configurations.map((entry) => entry.name),
            stopAll: true,
          },
        ]
      : [];
  return { version: "0.2.0", configurations, compounds };
}

/**
 * GoLand "Go Remote" run configurations, one file each. GoLand's default host is localhost,
 * which is where the Delve ports are published, so only the port is written.
 */
export function golandRunConfigs(targets: DebugTarget[]): RunConfigFile[] {
  return targets.map((target) => {
    const name = `${OWNER} ${target.name}`;
    const content = create()
      .ele("component", { name: "ProjectRunConfigurationManager" })
      .ele("configuration", {
        default: "false",
        name,
        type: "GoRemoteDebugConfigurationType",
        factoryName: "Go Remote",
        port: String(target.port),
      })
      .ele("option", { name: "disconnectOption", value: "LEAVE" })
      .up()
      .ele("method", { v: "2" })
      .doc()
      .end({ headless: true, prettyPrint: true, indent: "  " });
    return { fileName: `${name}.run.xml`, content: `${content}\n` };
  });
}

/** Whether a `.run` file name is one of ours. */
export function isOwnRunConfig(fileName: string): boolean {
  return fileName.startsWith(`${OWNER} `) && fileName.endsWith(".run.xml");
}
