import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";

import { hashSource } from "../../lib/sourceHash";
import { tempDir } from "../helpers/temp";

const excludes = [".git", "build/bin", "**/*_test.go"];

function tree(): string {
  const root = tempDir("debugnet-hash");
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write("go.mod", "module example.com/x\n");
  write("p2p/server.go", "package p2p\n");
  write("p2p/server_test.go", "package p2p\n");
  write(".git/HEAD", "ref: refs/heads/main\n");
  write("build/bin/geth", "binary");
  return root;
}

describe("source change detection", () => {
  it("changes when a source file changes", async () => {
    const root = tree();
    const before = await hashSource(root, excludes);
    fs.appendFileSync(path.join(root, "p2p/server.go"), "// one line\n");
    assert.notEqual(await hashSource(root, excludes), before);
  });

  it("changes when a file is added", async () => {
    const root = tree();
    const before = await hashSource(root, excludes);
    fs.writeFileSync(path.join(root, "p2p/dial.go"), "package p2p\n");
    assert.notEqual(await hashSource(root, excludes), before);
  });

  it("ignores excluded paths: tests, VCS data and build output", async () => {
    const root = tree();
    const before = await hashSource(root, excludes);
    fs.appendFileSync(path.join(root, "p2p/server_test.go"), "// test edit\n");
    fs.writeFileSync(path.join(root, "server_test.go"), "package x\n");
    fs.writeFileSync(path.join(root, ".git/HEAD"), "ref: refs/heads/other\n");
    fs.writeFileSync(path.join(root, "build/bin/geth"), "new binary");
    assert.equal(await hashSource(root, excludes), before);
  });

  it("does not depend on where the checkout lives", async () => {
    assert.equal(await hashSource(tree(), excludes), await hashSource(tree(), excludes));
  });
});

describe("source digest cache", () => {
  const cacheFile = () => path.join(tempDir("debugnet-cache"), "c.json");

  it("gives the same digest as without a cache, cold and warm", async () => {
    const root = tree();
    const cache = cacheFile();
    const plain = await hashSource(root, excludes);
    assert.equal(await hashSource(root, excludes, cache), plain);
    assert.equal(await hashSource(root, excludes, cache), plain);
  });

  it("sees a change made after the cache was written", async () => {
    const root = tree();
    const cache = cacheFile();
    const before = await hashSource(root, excludes, cache);
    fs.writeFileSync(path.join(root, "p2p/server.go"), "package p2p // edited\n");
    const after = await hashSource(root, excludes, cache);
    assert.notEqual(after, before);
    assert.equal(after, await hashSource(root, excludes));
  });

  it("reads only files whose stamp changed", async () => {
    const root = tree();
    const cache = cacheFile();
    const plain = await hashSource(root, excludes, cache);
    // Tamper with one cached digest: a warm run trusts it, as the file's stamp is unchanged.
    const stored = JSON.parse(fs.readFileSync(cache, "utf8"));
    stored.files["go.mod"].digest = "0".repeat(64);
    fs.writeFileSync(cache, JSON.stringify(stored));
    assert.notEqual(await hashSource(root, excludes, cache), plain);
    fs.appendFileSync(path.join(root, "go.mod"), "\n");
    assert.equal(await hashSource(root, excludes, cache), await hashSource(root, excludes));
  });

  it("ignores a cache written for another checkout", async () => {
    const cache = cacheFile();
    const first = tree();
    await hashSource(first, excludes, cache);
    const second = tree();
    fs.writeFileSync(path.join(second, "go.mod"), "module example.com/other\n");
    assert.equal(await hashSource(second, excludes, cache), await hashSource(second, excludes));
  });
});
