import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi mocks that record every resource the program declares and answer with outputs shaped
 * like the real providers' (image IDs, container network data, command output, random bytes).
 * The values are synthetic: these tests prove what the program asks for, not that it works;
 * the end-to-end tier runs the same program against a real Docker engine.
 */

export const PROJECT = "eth-debugnet";

export interface Recorded {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, any>;
}

export const recorded: Recorded[] = [];

/** A stand-in binary hash printed by the mocked build command. */
export const MOCK_BINARY_HASH = "b".repeat(64);

/** The digest the mocks use for synthetic IDs and keys. */
export function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    recorded.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs: args.inputs,
    });
    const state: Record<string, any> = { ...args.inputs };
    switch (args.type) {
      case "docker:index/image:Image":
        state.repoDigest = `sha256:${digest(args.name)}`;
        break;
      case "docker:index/container:Container":
        state.networkDatas = (args.inputs.networksAdvanced ?? []).map((network: any) => ({
          networkName: network.name,
          ipAddress: network.ipv4Address,
        }));
        break;
      case "command:local:Command":
        state.stdout = String(args.inputs.create ?? "").endsWith("wait-ready.ts")
          ? "all nodes ready"
          : `${MOCK_BINARY_HASH}\n`;
        break;
      case "random:index/randomBytes:RandomBytes":
        state.hex = digest(args.name);
        state.base64 = Buffer.from(state.hex, "hex").toString("base64");
        break;
    }
    return { id: `${args.name}-id`, state };
  },
  call(args) {
    return args.inputs;
  },
};

/** Installs the mocks; await it before importing or constructing anything that uses Pulumi. */
export async function installMocks(config: Record<string, string> = {}): Promise<void> {
  await pulumi.runtime.setMocks(mocks, PROJECT, "test", false);
  setConfig(config);
}

/** Replaces the stack configuration; keys are given without the project prefix. */
export function setConfig(config: Record<string, string>): void {
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, value])),
  );
}

/** Resolves an output's value (secrets included). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Recorded resources of one type, optionally only those whose name starts with `prefix`. */
export function ofType(type: string, prefix = ""): Recorded[] {
  return recorded.filter((r) => r.type === type && r.name.startsWith(prefix));
}

/** Whether an input arrived as a secret (Pulumi's signature wrapper), and its plain value. */
export function unwrapSecret(input: any): { secret: boolean; value: any } {
  const { specialSigKey, specialSecretSig } = pulumi.runtime;
  const secret =
    input !== null && typeof input === "object" && input[specialSigKey] === specialSecretSig;
  return { secret, value: secret ? input.value : input };
}
