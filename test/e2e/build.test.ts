import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";

import { PROJECT_DIR, readDeclarations } from "../../lib/config";
import { tempDir } from "../helpers/temp";
import { BASE_IMAGE, REQUIRED, missingPrerequisites } from "./fixtures";

/**
 * The client build of the development image (image/debugnet-build) on a real engine, with the
 * checkout mounted read-only as the program mounts it: a git clone gets Go's version stamping,
 * and a git worktree, whose repository lies outside the mount, still builds.
 */

const missing = missingPrerequisites();
const skip = missing.length > 0 && !REQUIRED ? `needs ${missing.join("; ")}` : false;
const IMAGE = "eth-debugnet-test/dev:build";

function git(dir: string, ...args: string[]): string {
  const identity = ["-c", "user.name=dev", "-c", "user.email=dev@example.invalid"];
  return execFileSync("git", [...identity, "-C", dir, ...args], { encoding: "utf8" }).trim();
}

/** A one-file Go module committed to a fresh git repository; returns its commit. */
function goRepository(dir: string): string {
  fs.writeFileSync(path.join(dir, "go.mod"), "module example.com/hello\n\ngo 1.22\n");
  fs.writeFileSync(path.join(dir, "main.go"), 'package main\n\nfunc main() { println("hi") }\n');
  git(dir, "init", "-q");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "hello");
  return git(dir, "rev-parse", "HEAD");
}

/** Runs the build script on `checkout`, then prints the binary's build information. */
function build(checkout: string) {
  const script =
    "debugnet-build hello 'go build -o \"$DEBUGNET_OUT\" .' && go version -m /out/hello";
  return spawnSync(
    "docker",
    [
      "run",
      "--rm",
      "--mount",
      `type=bind,source=${checkout},target=/src,readonly`,
      "--tmpfs",
      "/out:exec",
      IMAGE,
      "bash",
      "-c",
      script,
    ],
    { encoding: "utf8" },
  );
}

describe("client build in the development image", { skip }, () => {
  before(() => {
    const delveVersion = readDeclarations(PROJECT_DIR).get("delveVersion")!.default as string;
    execFileSync(
      "docker",
      [
        "build",
        "--quiet",
        "--tag",
        IMAGE,
        "--build-arg",
        `BASE_IMAGE=${BASE_IMAGE}`,
        "--build-arg",
        `DELVE_VERSION=${delveVersion}`,
        path.join(PROJECT_DIR, "image"),
      ],
      { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DOCKER_BUILDKIT: "0" } },
    );
  });

  after(() => {
    spawnSync("docker", ["image", "rm", IMAGE], { stdio: "ignore" });
  });

  it("stamps the commit of a git checkout mounted read-only", () => {
    const checkout = tempDir("debugnet-git");
    const commit = goRepository(checkout);
    const result = build(checkout);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`\\tbuild\\tvcs.revision=${commit}\\n`));
    assert.match(result.stdout, /\tbuild\tvcs.modified=false\n/, "the tree reads as clean");
  });

  it("builds a git worktree, whose repository is outside the mount, without stamping", () => {
    const main = tempDir("debugnet-git");
    goRepository(main);
    const worktree = path.join(tempDir("debugnet-worktree"), "wt");
    git(main, "worktree", "add", "-q", worktree);
    assert.ok(fs.statSync(path.join(worktree, ".git")).isFile(), "a worktree's .git is a file");

    const result = build(worktree);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /git cannot read the checkout's repository here; no VCS stamping/);
    assert.doesNotMatch(result.stdout, /vcs.revision/);
  });
});
