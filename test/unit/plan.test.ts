import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  clientCapacity,
  clientName,
  delveHostPort,
  gatewayAddress,
  nodeAddress,
  parsePortRange,
  parseSubnet,
  rangesOverlap,
  rpcHostPort,
} from "../../lib/plan";

describe("addresses", () => {
  it("put the gateway first, then the bootnode, then the clients in order", () => {
    const subnet = parseSubnet("10.213.17.0/24")!;
    assert.equal(gatewayAddress(subnet), "10.213.17.1");
    assert.equal(nodeAddress(subnet, 0), "10.213.17.2");
    assert.equal(nodeAddress(subnet, 1), "10.213.17.3");
    assert.equal(nodeAddress(subnet, 252), "10.213.17.254");
  });

  it("carry across octets", () => {
    const subnet = parseSubnet("172.30.0.0/16")!;
    assert.equal(nodeAddress(subnet, 300), "172.30.1.46");
  });

  it("count what a subnet holds: all but network, broadcast, gateway and bootnode", () => {
    assert.equal(clientCapacity(parseSubnet("10.0.0.0/24")!), 252);
    assert.equal(clientCapacity(parseSubnet("10.0.0.0/29")!), 4);
    assert.equal(clientCapacity(parseSubnet("10.0.0.0/30")!), 0);
  });

  it("accept only IPv4 network addresses in CIDR form", () => {
    for (const bad of ["10.0.0.1/24", "10.0.0.0", "fd00::/64", "10.0.0.0/33", "nonsense"]) {
      assert.equal(parseSubnet(bad), undefined, bad);
    }
  });
});

describe("ports", () => {
  it("parse FIRST-LAST within 1..65535", () => {
    assert.deepEqual(parsePortRange("18545-18644"), { first: 18545, last: 18644 });
    for (const bad of ["0-10", "10-9", "65000-65536", "80", "a-b", "1-2-3"]) {
      assert.equal(parsePortRange(bad), undefined, bad);
    }
  });

  it("detect overlap, touching ends included", () => {
    assert.ok(rangesOverlap({ first: 1, last: 10 }, { first: 10, last: 20 }));
    assert.ok(!rangesOverlap({ first: 1, last: 10 }, { first: 11, last: 20 }));
  });

  it("give the bootnode the first RPC port and client N the Delve port FIRST+N-1", () => {
    const range = { first: 40000, last: 40099 };
    assert.equal(rpcHostPort(range, 0), 40000);
    assert.equal(rpcHostPort(range, 3), 40003);
    assert.equal(delveHostPort(range, 1), 40000);
    assert.equal(delveHostPort(range, 3), 40002);
  });
});

describe("names", () => {
  it("are never padded, so growing from 9 to 10 clients renames nothing", () => {
    assert.equal(clientName(9), "node-9");
    assert.equal(clientName(10), "node-10");
  });
});
