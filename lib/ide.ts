import * as jsonc from "jsonc-parser";
import { create } from "xmlbuilder2";

/**
 * Debugger attach configurations for VS Code (Go extension, dlv-dap) and GoLand (Go Remote),
 * and their merge into files a developer already has. Entries this project owns carry the
 * OWNER prefix in their names; nothing else in those files is touched.
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

/**
 * Merges generated entries into the text of an existing launch.json (JSON with comments).
 * Our entries are replaced in place or removed when no longer generated; new ones are appended;
 * every other entry, comment and the file's indentation stay as they were. Throws when the
 * existing text cannot be parsed, rather than overwrite a file the developer is editing.
 */
export function mergeLaunchJson(existing: string | undefined, generated: LaunchDocument): string {
  if (existing === undefined || existing.trim() === "") {
    return `${JSON.stringify(generated, null, 4)}\n`;
  }

  const errors: jsonc.ParseError[] = [];
  const current = jsonc.parse(existing, errors, { allowTrailingComma: true });
  if (errors.length > 0 || typeof current !== "object" || current === null) {
    const where = errors.map((error) => jsonc.printParseErrorCode(error.error)).join(", ");
    throw new Error(`launch.json is not valid JSON with comments (${where || "not an object"})`);
  }

  const options: jsonc.ModificationOptions = { formattingOptions: detectFormatting(existing) };
  let text = existing;
  if (current.version === undefined) {
    text = jsonc.applyEdits(text, jsonc.modify(text, ["version"], "0.2.0", options));
  }
  text = mergeList(text, "configurations", generated.configurations, options);
  return mergeList(text, "compounds", generated.compounds, options);
}

function mergeList(
  text: string,
  key: "configurations" | "compounds",
  generated: { name: string }[],
  options: jsonc.ModificationOptions,
): string {
  const existing: unknown = jsonc.parse(text, [], { allowTrailingComma: true })[key];
  const entries = Array.isArray(existing) ? (existing as { name?: unknown }[]) : [];
  const byName = new Map(generated.map((entry) => [entry.name, entry]));
  const placed = new Set<string>();

  // Walk backwards so removals do not shift the indices still to visit.
  for (let index = entries.length - 1; index >= 0; index--) {
    const name = entries[index]?.name;
    if (typeof name !== "string" || !name.startsWith(`${OWNER}: `)) {
      continue;
    }
    const replacement = byName.get(name);
    if (replacement && !placed.has(name)) {
      text = jsonc.applyEdits(text, jsonc.modify(text, [key, index], replacement, options));
      placed.add(name);
    } else {
      text = jsonc.applyEdits(text, jsonc.modify(text, [key, index], undefined, options));
    }
  }

  if (!Array.isArray(existing) && generated.length > 0) {
    return jsonc.applyEdits(text, jsonc.modify(text, [key], generated, options));
  }
  for (const entry of generated.filter((candidate) => !placed.has(candidate.name))) {
    const edits = jsonc.modify(text, [key, -1], entry, { ...options, isArrayInsertion: true });
    text = jsonc.applyEdits(text, edits);
  }
  return text;
}

function detectFormatting(text: string): jsonc.FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indented = /\n([ \t]+)\S/.exec(text);
  if (indented && indented[1].startsWith("\t")) {
    return { insertSpaces: false, tabSize: 4, eol };
  }
  return { insertSpaces: true, tabSize: indented ? indented[1].length : 4, eol };
}
