import * as ipaddr from "ipaddr.js";

/**
 * Addressing and naming of the network, decided before any resource exists. Everything here is
 * a pure function of the configuration, so a node keeps its name, IP and host ports across
 * `pulumi up` runs as long as its index does not change.
 */

/** Ports inside every node container; host ports are mapped onto these. */
export const CONTAINER_RPC_PORT = 8545;
export const CONTAINER_DELVE_PORT = 2345;

/** Host offsets inside the subnet: .1 is Docker's gateway, the bootnode comes next. */
const GATEWAY_OFFSET = 1;
const BOOTNODE_OFFSET = 2;

export const BOOTNODE_NAME = "bootnode";

/** The name of client `index` (1-based): `node-1`, `node-2`, … Never padded. */
export function clientName(index: number): string {
  return `node-${index}`;
}

export interface Subnet {
  /** The CIDR as given, e.g. `10.213.17.0/24`. */
  cidr: string;
  /** The network address as a 32-bit number. */
  base: number;
  prefix: number;
}

/** Parses an IPv4 CIDR whose address is the network address; undefined when it is not one. */
export function parseSubnet(cidr: string): Subnet | undefined {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    return undefined;
  }
  const [address, prefix] = parsed;
  if (address.kind() !== "ipv4") {
    return undefined;
  }
  const base = toNumber(address as ipaddr.IPv4);
  const hostBits = 32 - prefix;
  if (hostBits < 32 && base % 2 ** hostBits !== 0) {
    return undefined;
  }
  return { cidr, base, prefix };
}

/**
 * How many clients fit in the subnet: every address but the network address, the broadcast
 * address, the gateway and the bootnode.
 */
export function clientCapacity(subnet: Subnet): number {
  return Math.max(0, 2 ** (32 - subnet.prefix) - 2 - BOOTNODE_OFFSET);
}

export function gatewayAddress(subnet: Subnet): string {
  return hostAddress(subnet, GATEWAY_OFFSET);
}

/** The fixed IP of node `index`: 0 is the bootnode, 1…N the clients. */
export function nodeAddress(subnet: Subnet, index: number): string {
  return hostAddress(subnet, BOOTNODE_OFFSET + index);
}

function hostAddress(subnet: Subnet, offset: number): string {
  const value = subnet.base + offset;
  const bytes = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  return ipaddr.fromByteArray(bytes).toString();
}

function toNumber(address: ipaddr.IPv4): number {
  return address.octets.reduce((sum, octet) => sum * 256 + octet, 0);
}

/** The highest TCP and UDP port. */
export const MAX_PORT = 65535;

export interface PortRange {
  first: number;
  last: number;
}

/** Parses `FIRST-LAST` with 1 <= FIRST <= LAST <= 65535; undefined when it is not that. */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (first < 1 || last > MAX_PORT || first > last) {
    return undefined;
  }
  return { first, last };
}

export function rangeSize(range: PortRange): number {
  return range.last - range.first + 1;
}

export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Host RPC port of node `index`: the bootnode takes the first port of the range. */
export function rpcHostPort(range: PortRange, index: number): number {
  return range.first + index;
}

/**
 * Host Delve port of client `index` (1-based). It depends on the index alone, so turning the
 * debugger on or off for one client never moves another client's port.
 */
export function delveHostPort(range: PortRange, index: number): number {
  return range.first + index - 1;
}
