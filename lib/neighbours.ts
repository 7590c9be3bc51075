import * as fs from "fs";

/**
 * The kernel's ARP (neighbour) table is one table for every network namespace, and past its
 * hard limit (net.ipv4.neigh.default.gc_thresh3, 1024 unless raised) it refuses new entries:
 * containers then fail to reach each other and the host, and the network never becomes ready.
 * Every node learns the address of every other node and of the gateway, and the host learns
 * every node's: about N × (N + 1) entries for N nodes.
 */

export const NEIGHBOUR_LIMIT_FILE = "/proc/sys/net/ipv4/neigh/default/gc_thresh3";

/** Neighbour entries a network of `nodes` nodes needs once they have all talked. */
export function neighbourEntries(nodes: number): number {
  return nodes * (nodes + 1);
}

/** This kernel's limit, or undefined where there is none to read (macOS, Windows). */
export function neighbourTableLimit(file = NEIGHBOUR_LIMIT_FILE): number | undefined {
  try {
    const limit = Number(fs.readFileSync(file, "utf8").trim());
    return Number.isInteger(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}

/** What to tell the developer when `nodes` nodes would overflow a table of `limit` entries. */
export function neighbourTableWarning(
  nodes: number,
  limit: number | undefined,
): string | undefined {
  const needed = neighbourEntries(nodes);
  if (limit === undefined || needed <= limit) {
    return undefined;
  }
  const hard = 2 ** Math.ceil(Math.log2(2 * needed));
  return (
    `${nodes} nodes need about ${needed} entries in the kernel's ARP table, which holds ` +
    `${limit} (net.ipv4.neigh.default.gc_thresh3); past that, nodes cannot reach each other ` +
    "and the network does not become ready. On the machine that runs Docker: sudo sysctl -w " +
    `net.ipv4.neigh.default.gc_thresh2=${hard / 2} net.ipv4.neigh.default.gc_thresh3=${hard}`
  );
}
