import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { after, describe, it } from "node:test";

import { REMOVE_IMAGE } from "../../components/devImage";
import { tempDir } from "../helpers/temp";
import { REQUIRED, missingPrerequisites } from "./fixtures";

/**
 * The command that removes the development image on destroy and after a rebuild, run as
 * @pulumi/command runs it (`/bin/sh -c`) against a real engine, on small imported images.
 */

const missing = missingPrerequisites();
const skip = missing.length > 0 && !REQUIRED ? `needs ${missing.join("; ")}` : false;
const REPO = "eth-debugnet-test/removal";

/** Imports a one-file image whose content (and so ID) depends on `text`; returns its ID. */
function importImage(tag: string, text: string): string {
  const dir = tempDir("debugnet-image");
  fs.writeFileSync(path.join(dir, "content"), text);
  return execFileSync("sh", ["-c", `tar -C '${dir}' -c . | docker import - '${tag}'`], {
    encoding: "utf8",
  }).trim();
}

function exists(image: string): boolean {
  return spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status === 0;
}

function removeImage(imageId: string, imageName: string) {
  return spawnSync("/bin/sh", ["-c", REMOVE_IMAGE], {
    env: { ...process.env, IMAGE_ID: imageId, IMAGE_NAME: imageName },
    encoding: "utf8",
  });
}

describe("removing the development image", { skip }, () => {
  after(() => {
    const left = execFileSync("docker", ["image", "ls", "-q", REPO], { encoding: "utf8" });
    for (const id of new Set(left.split("\n").filter(Boolean))) {
      spawnSync("docker", ["image", "rm", "-f", id], { stdio: "ignore" });
    }
  });

  it("removes the image when the stack's tag is its only one", () => {
    const id = importImage(`${REPO}:only`, "only");
    const result = removeImage(id, `${REPO}:only`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(exists(id), false);
  });

  it("removes the stack's tag and keeps an image another tag still names", () => {
    const id = importImage(`${REPO}:mine`, "shared");
    execFileSync("docker", ["tag", id, `${REPO}:theirs`]);
    const result = removeImage(id, `${REPO}:mine`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(exists(`${REPO}:mine`), false);
    assert.equal(exists(`${REPO}:theirs`), true);
    assert.match(result.stderr, new RegExp(`kept image ${id}, also tagged ${REPO}:theirs`));
  });

  it("removes an image a rebuild superseded and leaves the tag on the new one", () => {
    const old = importImage(`${REPO}:rebuilt`, "before");
    const current = importImage(`${REPO}:rebuilt`, "after");
    assert.notEqual(old, current);
    const result = removeImage(old, `${REPO}:rebuilt`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(exists(old), false);
    assert.equal(
      execFileSync("docker", ["image", "inspect", "-f", "{{.Id}}", `${REPO}:rebuilt`], {
        encoding: "utf8",
      }).trim(),
      current,
    );
  });

  it("is done when the image is already gone", () => {
    const id = importImage(`${REPO}:gone`, "gone");
    execFileSync("docker", ["image", "rm", id], { stdio: "ignore" });
    const result = removeImage(id, `${REPO}:gone`);
    assert.equal(result.status, 0, result.stderr);
  });
});
