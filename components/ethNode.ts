import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

import { enodeUrl, publicKeyOf } from "../lib/enode";
import { BINARY_LABEL, Label, NODE_LABEL } from "../lib/labels";
import {
  BIN_DIR,
  DATA_DIR,
  GENESIS_FILE,
  LaunchSpec,
  NODE_ENTRYPOINT,
  NODE_KEY_FILE,
  containerCommand,
} from "../lib/launch";
import { CONTAINER_DELVE_PORT, CONTAINER_RPC_PORT } from "../lib/plan";

/** Host address every published port is bound to: Delve and RPC are unauthenticated. */
export const PUBLISH_HOST = "127.0.0.1";

/** The bootnode serves discovery; clients are the nodes under study. */
export type NodeRole = "bootnode" | "client";

/** The plain values other tools chain on, one object per node. */
export interface NodeInfo {
  /** `bootnode`, `node-1`, `node-2`, …; also the container's host name. */
  name: string;
  role: NodeRole;
  /** Docker container name, for `docker logs` and the like. */
  container: string;
  /** Address on the Docker network, as the engine reports it. */
  ip: string;
  /** `enode://<public key>@<ip>:<p2p port>`, computed from the node key. */
  enode: string;
  /** HTTP JSON-RPC on this machine, `http://127.0.0.1:<port>`. */
  rpcUrl: string;
  /** The Delve server on this machine, or null when the node does not run under Delve. */
  delve: { host: string; port: number; address: string } | null;
  /** Whether the client waits for a debugger to continue it before it starts. */
  waitForDebugger: boolean;
}

export interface EthNodeArgs {
  /** Node name, such as `bootnode` or `node-1`; also its host name. */
  nodeName: string;
  /** Whether the node is the bootnode or a client; clients must find peers to be ready. */
  role: NodeRole;
  /** Fixed IP on the network. */
  ip: string;
  /** devp2p port, TCP and UDP, inside the network. */
  p2pPort: number;
  /** Host port on 127.0.0.1 for HTTP RPC. */
  rpcHostPort: number;
  /** Host port on 127.0.0.1 for Delve; leave it out to run the client without Delve. */
  delveHostPort?: number;
  /** With Delve: hold the client until a debugger continues it. Default false. */
  waitForDebugger?: boolean;
  /**
   * Node key as a secret, 64 hex digits. Default: 32 random bytes generated once and kept in
   * the stack state as a secret, so the enode survives restarts and replacements.
   */
  nodeKey?: pulumi.Input<string>;
  /** How to start the client, apart from the node's own IP and bootnodes. */
  launch: Omit<LaunchSpec, "node" | "delve">;
  /** Comma-separated enode URLs for discovery; empty for the bootnode. */
  bootnodes: pulumi.Input<string>;
  /** Genesis JSON uploaded into the container. */
  genesis: string;
  /** Docker network name to join. */
  networkName: pulumi.Input<string>;
  /** Development image ID. */
  imageId: pulumi.Input<string>;
  /** Volume holding the client binary, mounted read-only. */
  binVolume: pulumi.Input<string>;
  /** SHA-256 of the binary; a new value replaces the container so it runs the new build. */
  binaryHash: pulumi.Input<string>;
  /** Prefix of the container and volume names. */
  dockerPrefix: string;
  /** Labels put on the container and the data volume. */
  labels: Label[];
}

/**
 * One node: its key, a data volume that keeps chain data across restarts, and its container on
 * the private network. A node under Delve gets the ptrace rights Delve needs; others get none.
 */
export class EthNode extends pulumi.ComponentResource {
  /** The enode URL, derived from the key, IP and port before the container exists. */
  readonly enode: pulumi.Output<string>;
  /** What the stack exports for this node: name, role, IP, enode, RPC and Delve endpoints. */
  readonly info: pulumi.Output<NodeInfo>;
  /** The node's container, for readiness triggers and anything that depends on it running. */
  readonly container: docker.Container;

  constructor(name: string, args: EthNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eth-debugnet:index:EthNode", name, {}, opts);

    const debug = args.delveHostPort !== undefined;
    const waitForDebugger = debug && (args.waitForDebugger ?? false);
    if (waitForDebugger) {
      pulumi.log.warn(
        `${args.nodeName} waits for a debugger: it starts once one attaches to ` +
          `127.0.0.1:${args.delveHostPort} and continues`,
        this,
      );
    }
    const nodeLabels = [...args.labels, { label: NODE_LABEL, value: args.nodeName }];

    // A uniformly random 32-byte string is a valid secp256k1 key except with probability
    // about 2^-128; publicKeyOf rejects the rest.
    const nodeKey = pulumi.secret(
      args.nodeKey ?? new random.RandomBytes(`${name}-key`, { length: 32 }, { parent: this }).hex,
    );

    // The public key is not secret, though it is computed from one.
    this.enode = pulumi.unsecret(
      nodeKey.apply((key) => enodeUrl(publicKeyOf(key), args.ip, args.p2pPort)),
    );

    const data = new docker.Volume(
      `${name}-data`,
      { name: `${args.dockerPrefix}-${args.nodeName}-data`, labels: nodeLabels },
      { parent: this, deleteBeforeReplace: true },
    );

    const ports: docker.types.input.ContainerPort[] = [
      { internal: CONTAINER_RPC_PORT, external: args.rpcHostPort, ip: PUBLISH_HOST },
    ];
    if (debug) {
      ports.push({
        internal: CONTAINER_DELVE_PORT,
        external: args.delveHostPort,
        ip: PUBLISH_HOST,
      });
    }

    const containerName = `${args.dockerPrefix}-${args.nodeName}`;
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: containerName,
        hostname: args.nodeName,
        image: args.imageId,
        entrypoints: [NODE_ENTRYPOINT],
        command: pulumi.output(args.bootnodes).apply((bootnodes) =>
          containerCommand({
            ...args.launch,
            node: { ip: args.ip, bootnodes },
            delve: debug ? { waitForDebugger } : undefined,
          }),
        ),
        labels: pulumi
          .output(args.binaryHash)
          .apply((hash) => [...nodeLabels, { label: BINARY_LABEL, value: hash }]),
        networksAdvanced: [{ name: args.networkName, ipv4Address: args.ip }],
        ports,
        volumes: [
          { volumeName: data.name, containerPath: DATA_DIR },
          { volumeName: args.binVolume, containerPath: BIN_DIR, readOnly: true },
        ],
        uploads: [
          { file: NODE_KEY_FILE, content: nodeKey },
          { file: GENESIS_FILE, content: args.genesis },
        ],
        ...(debug
          ? { capabilities: { adds: ["SYS_PTRACE"] }, securityOpts: ["seccomp=unconfined"] }
          : {}),
        // A client that exits at start is the readiness check's to report, with its log; the
        // provider would delete the container and its log with it.
        mustRun: false,
        // The engine brings nodes back after a crash or its own restart (a reboot, say), which
        // no `pulumi up` would notice with mustRun off; a node stopped by hand stays stopped.
        restart: "unless-stopped",
      },
      // The name and IP are fixed, so the old container must go before its replacement starts.
      { parent: this, deleteBeforeReplace: true },
    );

    const delve = debug
      ? {
          host: PUBLISH_HOST,
          port: args.delveHostPort as number,
          address: `${PUBLISH_HOST}:${args.delveHostPort}`,
        }
      : null;
    this.info = pulumi
      .all([this.enode, this.container.networkDatas, args.networkName])
      .apply(([enode, networks, networkName]) => ({
        name: args.nodeName,
        role: args.role,
        container: containerName,
        ip: networks.find((network) => network.networkName === networkName)?.ipAddress ?? "",
        enode,
        rpcUrl: `http://${PUBLISH_HOST}:${args.rpcHostPort}`,
        delve,
        waitForDebugger,
      }));

    this.registerOutputs({ enode: this.enode, info: this.info, container: this.container });
  }
}
