/** Docker labels on every object the program creates, so tools and tests can find them. */

export interface Label {
  label: string;
  value: string;
}

/** Label naming the network (and so the stack) an object belongs to. */
export const NETWORK_LABEL = "eth-debugnet.network";
/** Label naming the node a container or data volume belongs to. */
export const NODE_LABEL = "eth-debugnet.node";
/** Label holding the SHA-256 of the client binary a container runs. */
export const BINARY_LABEL = "eth-debugnet.binary";

export function labels(networkName: string, extra: Record<string, string> = {}): Label[] {
  return Object.entries({ [NETWORK_LABEL]: networkName, ...extra }).map(([label, value]) => ({
    label,
    value,
  }));
}
