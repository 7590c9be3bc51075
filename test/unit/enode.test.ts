import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secp256k1 } from "@noble/curves/secp256k1";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";

import {
  enodeUrl,
  enodeWithoutQuery,
  isValidNodeKey,
  nodeIdOf,
  publicKeyOf,
} from "../../lib/enode";

// go-ethereum v1.17.10, p2p/enode/idscheme_test.go (TestEmptyNodeID) and node_test.go
// (TestPythonInterop, the EIP-778 example record): this key signs a record whose node ID is
// a448f2…17f7 and whose secp256k1 entry is the compressed key 03ca63…3138.
const EIP778_KEY = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
const EIP778_NODE_ID = "a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7";
const EIP778_COMPRESSED = "03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138";

// go-ethereum v1.17.10, p2p/enode/urlv4_test.go (parseNodeTests, checked both ways by
// TestNodeString): the URL geth prints for this public key, address and ports.
const URL_PUBKEY =
  "1dd9d65c4552b5eb43d5ad55a2ee3f56c6cbc1c64a5c8d659f51fcd51bace243" +
  "51232b8d7821617d2b29b54b81cdefb9b3e9c37d7fd5f63270bcc9e1a6f6a439";

describe("node key to enode", () => {
  it("derives go-ethereum's node ID for the EIP-778 test key", () => {
    assert.equal(nodeIdOf(publicKeyOf(EIP778_KEY)), EIP778_NODE_ID);
  });

  it("derives the public key whose compressed form is in the EIP-778 record", () => {
    const publicKey = publicKeyOf(EIP778_KEY);
    assert.equal(publicKey.length, 128);
    const point = secp256k1.Point.fromHex(`04${publicKey}`);
    assert.equal(bytesToHex(point.toRawBytes(true)), EIP778_COMPRESSED);
  });

  it("formats enode URLs exactly as geth prints them", () => {
    assert.equal(
      enodeUrl(URL_PUBKEY, "127.0.0.1", 52150),
      `enode://${URL_PUBKEY}@127.0.0.1:52150`,
    );
    assert.equal(
      enodeUrl(URL_PUBKEY, "127.0.0.1", 52150, 22334),
      `enode://${URL_PUBKEY}@127.0.0.1:52150?discport=22334`,
    );
  });

  it("drops the discovery port suffix when comparing", () => {
    const url = `enode://${URL_PUBKEY}@127.0.0.1:52150?discport=22334`;
    assert.equal(enodeWithoutQuery(url), `enode://${URL_PUBKEY}@127.0.0.1:52150`);
  });

  it("accepts upper-case keys and gives the same public key", () => {
    assert.equal(publicKeyOf(EIP778_KEY.toUpperCase()), publicKeyOf(EIP778_KEY));
  });

  it("rejects keys that are not 32 bytes of hex or not below the group order", () => {
    const order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    for (const bad of [
      "",
      "0x" + EIP778_KEY.slice(2),
      EIP778_KEY.slice(1),
      "0".repeat(64),
      order,
    ]) {
      assert.equal(isValidNodeKey(bad), false, bad);
      assert.throws(() => publicKeyOf(bad), /valid secp256k1 secret key/);
    }
    assert.ok(isValidNodeKey(bytesToHex(hexToBytes(EIP778_KEY))));
  });
});
