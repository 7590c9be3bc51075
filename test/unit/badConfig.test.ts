import assert from "node:assert/strict";
import { it } from "node:test";
import * as pulumi from "@pulumi/pulumi";

import { installMocks, recorded } from "../helpers/mocks";

it("creates nothing when the configuration is bad, and reports every problem", async () => {
  await installMocks({ source: "/no/such/checkout", clients: "-1", rpcPorts: "1-99999" });

  await assert.rejects(import("../../index"), (error: Error) => {
    // The CLI prints a RunError's message alone, without a stack trace.
    assert.ok(pulumi.RunError.isInstance(error), `expected a RunError, got ${error}`);
    assert.match(error.message, /^3 configuration problems; nothing was created:\n/);
    assert.deepEqual(
      [...error.message.matchAll(/^ {2}- (\w+):/gm)].map((match) => match[1]),
      ["clients", "rpcPorts", "source"],
    );
    return true;
  });
  assert.deepEqual(recorded, []);
});
