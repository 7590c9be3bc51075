import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";

import {
  neighbourEntries,
  neighbourTableLimit,
  neighbourTableWarning,
} from "../../lib/neighbours";
import { tempDir } from "../helpers/temp";

describe("the kernel's neighbour table", () => {
  it("needs an entry per node for every node and the host", () => {
    assert.equal(neighbourEntries(3), 12);
    assert.equal(neighbourEntries(33), 1122);
  });

  it("is read from the sysctl file, and unknown where there is none", () => {
    const file = path.join(tempDir("debugnet-sysctl"), "gc_thresh3");
    fs.writeFileSync(file, "1024\n");
    assert.equal(neighbourTableLimit(file), 1024);
    assert.equal(neighbourTableLimit(path.join(path.dirname(file), "missing")), undefined);
  });

  it("warns with a fix when the nodes would overflow it, and only then", () => {
    assert.equal(neighbourTableWarning(31, 1024), undefined, "992 entries fit");
    assert.equal(neighbourTableWarning(49, undefined), undefined);
    assert.equal(
      neighbourTableWarning(49, 1024),
      "49 nodes need about 2450 entries in the kernel's ARP table, which holds 1024 " +
        "(net.ipv4.neigh.default.gc_thresh3); past that, nodes cannot reach each other and " +
        "the network does not become ready. On the machine that runs Docker: sudo sysctl -w " +
        "net.ipv4.neigh.default.gc_thresh2=4096 net.ipv4.neigh.default.gc_thresh3=8192",
    );
  });
});
