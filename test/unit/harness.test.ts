import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createContainer } from "../e2e/harness/docker";
import { UnhandledField, canonical, only, reveal } from "../e2e/harness/fields";

/**
 * The end-to-end harness must fail on inputs it does not carry out, rather than drop them; these
 * checks run before any call to the engine, so they need no Docker.
 */
describe("end-to-end harness strictness", () => {
  it("names the first input field it does not handle", () => {
    assert.throws(
      () => only("docker:index/container:Container", { name: "x", privileged: true }, ["name"]),
      (error: unknown) =>
        error instanceof UnhandledField &&
        error.message ===
          'the harness does not carry out input field "privileged" of ' +
            "docker:index/container:Container",
    );
  });

  it("refuses a container input it does not translate before touching the engine", async () => {
    await assert.rejects(
      createContainer({ name: "x", image: "y", privileged: true }),
      /input field "privileged" of docker:index\/container:Container/,
    );
    await assert.rejects(
      createContainer({ name: "x", ports: [{ internal: 1, hostIp: "0.0.0.0" }] }),
      /input field "hostIp" of Container.ports\[\]/,
    );
  });

  it("compares inputs whatever their key order, secrets revealed", () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
    const wrapped = { b: [{ ...secret, value: "k" }], a: 1 };
    assert.deepEqual(reveal(wrapped), { b: ["k"], a: 1 });
    assert.equal(canonical({ a: 1, b: { d: 2, c: 3 } }), canonical({ b: { c: 3, d: 2 }, a: 1 }));
  });
});
