import assert from "node:assert/strict";
import { it } from "node:test";

import { ConfigError } from "../../lib/config";
import { installMocks, recorded } from "../helpers/mocks";

it("creates nothing when the configuration is bad, and reports every problem", async () => {
  await installMocks({ source: "/no/such/checkout", clients: "-1", rpcPorts: "1-99999" });

  await assert.rejects(import("../../index"), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.problems.map((problem) => problem.split(":")[0]),
      ["clients", "rpcPorts", "source"],
    );
    return true;
  });
  assert.deepEqual(recorded, []);
});
