import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import * as jsonc from "jsonc-parser";

import { LaunchDocument, golandRunConfigs, isOwnRunConfig, vscodeLaunch } from "../../lib/ide";
import { writeIdeFiles } from "../../lib/ideFiles";
import { mergeLaunchJson } from "../../lib/launchMerge";
import { tempDir } from "../helpers/temp";

const targets = [
  { name: "node-1", host: "127.0.0.1", port: 40000 },
  { name: "node-3", host: "127.0.0.1", port: 40002 },
];

describe("VS Code launch.json", () => {
  const doc = vscodeLaunch(targets, "/home/dev/go-ethereum", "/src");

  it("has one dlv-dap remote attach per debug client, mapping the checkout to /src", () => {
    assert.deepEqual(doc.configurations[0], {
      name: "eth-debugnet: node-1",
      type: "go",
      request: "attach",
      mode: "remote",
      debugAdapter: "dlv-dap",
      host: "127.0.0.1",
      port: 40000,
      substitutePath: [{ from: "/home/dev/go-ethereum", to: "/src" }],
    });
    assert.deepEqual(
      doc.configurations.map((entry) => [entry.name, entry.port]),
      [
        ["eth-debugnet: node-1", 40000],
        ["eth-debugnet: node-3", 40002],
      ],
    );
  });

  it("has a compound attaching to every debug client", () => {
    assert.deepEqual(doc.compounds, [
      {
        name: "eth-debugnet: all clients",
        configurations: ["eth-debugnet: node-1", "eth-debugnet: node-3"],
        stopAll: true,
      },
    ]);
  });

  it("has no compound when no client runs under Delve", () => {
    assert.deepEqual(vscodeLaunch([], "/x", "/src").compounds, []);
  });
});

describe("merging into an existing launch.json", () => {
  const generated = vscodeLaunch(targets, "/home/dev/go-ethereum", "/src");
  const existing = `{
  // Team entries: keep them.
  "version": "0.2.0",
  "configurations": [
    {
      "name": "Launch geth",
      "type": "go",
      "request": "launch",
      "program": "\${workspaceFolder}/cmd/geth", // the usual one
    },
    {
      "name": "eth-debugnet: node-1",
      "type": "go",
      "request": "attach",
      "mode": "remote",
      "port": 1,
    },
    {
      "name": "eth-debugnet: node-2",
      "type": "go",
      "request": "attach",
      "mode": "remote",
      "port": 2,
    },
  ],
}
`;
  const merged = mergeLaunchJson(existing, generated);
  const parsed: LaunchDocument & { configurations: { name: string }[] } = jsonc.parse(merged);

  it("keeps the developer's entries and comments", () => {
    assert.match(merged, /\/\/ Team entries: keep them\./);
    assert.match(merged, /\/\/ the usual one/);
    assert.equal(parsed.configurations[0].name, "Launch geth");
  });

  it("replaces our entries in place and drops ours that are no longer generated", () => {
    assert.deepEqual(
      parsed.configurations.map((entry) => entry.name),
      ["Launch geth", "eth-debugnet: node-1", "eth-debugnet: node-3"],
    );
    assert.deepEqual(parsed.configurations[1], generated.configurations[0]);
    assert.deepEqual(parsed.configurations[2], generated.configurations[1]);
    assert.deepEqual(parsed.compounds, generated.compounds);
  });

  it("keeps the file's two-space indentation", () => {
    assert.match(merged, /\n {4}\{\n {6}"name": "eth-debugnet: node-3",/);
  });

  it("is stable: merging again changes nothing", () => {
    assert.equal(mergeLaunchJson(merged, generated), merged);
  });

  it("leaves one-line entries and a comment after the last entry as they were", () => {
    const oneLine = '{\n  // mine\n  "configurations": [{ "name": "Launch geth" }] // ok\n}\n';
    const result = mergeLaunchJson(oneLine, generated);
    assert.match(result, /^\{\n {2}"version": "0\.2\.0",\n {2}\/\/ mine\n/);
    assert.ok(result.includes('  "configurations": [{ "name": "Launch geth" },\n'), result);
    assert.ok(result.includes("}], // ok\n"), "only a comma joins the commented line");
    assert.deepEqual(jsonc.parse(result).configurations.slice(1), generated.configurations);
    assert.deepEqual(jsonc.parse(result).compounds, generated.compounds);
    assert.equal(mergeLaunchJson(result, generated), result);
  });

  it("removes ours between the developer's entries and keeps their comments", () => {
    const mixed = [
      "{",
      '  "configurations": [',
      '    { "name": "a" }, // first',
      '    { "name": "eth-debugnet: node-9" },',
      "    // about b",
      '    { "name": "b" }',
      "  ]",
      "}",
      "",
    ].join("\n");
    const result = mergeLaunchJson(mixed, generated);
    assert.ok(
      result.startsWith(
        '{\n  "version": "0.2.0",\n  "configurations": [\n    { "name": "a" }, // first\n' +
          '    // about b\n    { "name": "b" },\n    {\n      "name": "eth-debugnet: node-1",',
      ),
      result,
    );
    assert.deepEqual(
      jsonc.parse(result).configurations.map((entry: { name: string }) => entry.name),
      ["a", "b", "eth-debugnet: node-1", "eth-debugnet: node-3"],
    );
  });

  it("writes in the file's own line endings and tabs", () => {
    const windows = '{\r\n\t"version": "0.2.0",\r\n\t"configurations": []\r\n}\r\n';
    const result = mergeLaunchJson(windows, generated);
    assert.doesNotMatch(result, /[^\r]\n/, "no bare line feeds");
    assert.match(result, /\r\n\t\t\{\r\n\t\t\t"name": "eth-debugnet: node-1",/);
    assert.deepEqual(jsonc.parse(result).configurations, generated.configurations);
  });

  it("writes a fresh document when there is none", () => {
    assert.deepEqual(JSON.parse(mergeLaunchJson(undefined, generated)), generated);
  });

  it("refuses to touch a file it cannot parse", () => {
    assert.throws(
      () => mergeLaunchJson('{ "configurations": [ ', generated),
      /launch.json is not valid JSON with comments/,
    );
  });
});

describe("GoLand run configurations", () => {
  it("writes one Go Remote configuration per debug client", () => {
    const files = golandRunConfigs(targets);
    assert.deepEqual(
      files.map((file) => file.fileName),
      ["eth-debugnet node-1.run.xml", "eth-debugnet node-3.run.xml"],
    );
    assert.equal(
      files[0].content,
      [
        '<component name="ProjectRunConfigurationManager">',
        '  <configuration default="false" name="eth-debugnet node-1" ' +
          'type="GoRemoteDebugConfigurationType" factoryName="Go Remote" port="40000">',
        '    <option name="disconnectOption" value="LEAVE"/>',
        '    <method v="2"/>',
        "  </configuration>",
        "</component>",
        "",
      ].join("\n"),
    );
  });

  it("tells its own files from the developer's", () => {
    assert.ok(isOwnRunConfig("eth-debugnet node-12.run.xml"));
    assert.ok(!isOwnRunConfig("Remote Debug.run.xml"));
    assert.ok(!isOwnRunConfig("eth-debugnet node-1.xml"));
  });
});

describe("writing into a checkout", () => {
  const checkout = () => tempDir("debugnet-ide");
  const launch = vscodeLaunch(targets, "/src-on-host", "/src");

  it("creates launch.json and one run configuration per debug client", () => {
    const dir = checkout();
    const result = writeIdeFiles(dir, launch, golandRunConfigs(targets));
    assert.deepEqual(result, {
      written: [
        ".vscode/launch.json",
        ".run/eth-debugnet node-1.run.xml",
        ".run/eth-debugnet node-3.run.xml",
      ],
      removed: [],
    });
    assert.deepEqual(
      JSON.parse(fs.readFileSync(path.join(dir, ".vscode/launch.json"), "utf8")),
      launch,
    );
  });

  it("removes its own run configurations for clients gone, and no one else's", () => {
    const dir = checkout();
    writeIdeFiles(dir, launch, golandRunConfigs(targets));
    fs.writeFileSync(path.join(dir, ".run", "Remote Debug.run.xml"), "<component/>");
    const fewer = targets.slice(0, 1);

    const result = writeIdeFiles(
      dir,
      vscodeLaunch(fewer, "/src-on-host", "/src"),
      golandRunConfigs(fewer),
    );

    assert.deepEqual(result.removed, [".run/eth-debugnet node-3.run.xml"]);
    assert.deepEqual(fs.readdirSync(path.join(dir, ".run")).sort(), [
      "Remote Debug.run.xml",
      "eth-debugnet node-1.run.xml",
    ]);
  });

  it("writes nothing when everything is up to date", () => {
    const dir = checkout();
    writeIdeFiles(dir, launch, golandRunConfigs(targets));
    assert.deepEqual(writeIdeFiles(dir, launch, golandRunConfigs(targets)), {
      written: [],
      removed: [],
    });
  });
});
