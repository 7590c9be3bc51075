import { secp256k1 } from "@noble/curves/secp256k1";
import { keccak_256 } from "@noble/hashes/sha3";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";

/** A devp2p node key as geth reads it from `--nodekey`: 64 hex digits, no `0x`. */
export const NODE_KEY_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Whether `hex` is a usable node key: 32 bytes of lower- or upper-case hex that, read as a
 * number, lies in [1, n-1] for the secp256k1 group order n.
 */
export function isValidNodeKey(hex: string): boolean {
  const normalised = hex.toLowerCase();
  return (
    NODE_KEY_PATTERN.test(normalised) && secp256k1.utils.isValidSecretKey(hexToBytes(normalised))
  );
}

/**
 * The node's public key as devp2p writes it in enode URLs: the uncompressed secp256k1 point
 * without its 0x04 prefix, 128 hex digits.
 */
export function publicKeyOf(nodeKeyHex: string): string {
  if (!isValidNodeKey(nodeKeyHex)) {
    throw new Error("a node key must be 64 hex digits naming a valid secp256k1 secret key");
  }
  const uncompressed = secp256k1.getPublicKey(hexToBytes(nodeKeyHex.toLowerCase()), false);
  return bytesToHex(uncompressed.subarray(1));
}

/** The 32-byte node ID of the discovery protocol: keccak256 of the 64-byte public key. */
export function nodeIdOf(publicKeyHex: string): string {
  return bytesToHex(keccak_256(hexToBytes(publicKeyHex)));
}

/**
 * The enode URL geth prints for a node, `enode://<pubkey>@<ip>:<tcp>`, with `?discport=` only
 * when discovery listens on a UDP port other than the TCP port.
 */
export function enodeUrl(
  publicKeyHex: string,
  ip: string,
  tcpPort: number,
  udpPort: number = tcpPort,
): string {
  const discport = udpPort === tcpPort ? "" : `?discport=${udpPort}`;
  return `enode://${publicKeyHex}@${ip}:${tcpPort}${discport}`;
}

/** The enode URL without any query, the form compared across nodes and restarts. */
export function enodeWithoutQuery(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}
