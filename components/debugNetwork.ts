import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { DebugnetConfig } from "../lib/config";
import {
  DebugTarget,
  LaunchDocument,
  RunConfigFile,
  golandRunConfigs,
  vscodeLaunch,
} from "../lib/ide";
import { labels } from "../lib/labels";
import { neighbourTableLimit, neighbourTableWarning } from "../lib/neighbours";
import {
  BOOTNODE_NAME,
  clientName,
  delveHostPort,
  gatewayAddress,
  nodeAddress,
  rpcHostPort,
} from "../lib/plan";
import { ReadinessPlan } from "../lib/readiness";
import { defaultCacheFile, hashSource } from "../lib/sourceHash";
import { BUILD_SOURCE_DIR, ClientBuild } from "./clientBuild";
import { DevImage } from "./devImage";
import { EthNode, NodeInfo } from "./ethNode";
import { Readiness } from "./readiness";

export interface DebugNetworkArgs {
  /**
   * The checked configuration; Pulumi.yaml declares every field's default. Node keys given in
   * it are kept as secrets; nodes without one get a key generated once.
   */
  config: DebugnetConfig;
}

/**
 * The whole debug network: the development image, one build of the client, a private Docker
 * network with fixed addresses, the bootnode, N clients (under Delve where configured) and a
 * readiness check that holds `pulumi up` until the network can be debugged.
 */
export class DebugNetwork extends pulumi.ComponentResource {
  /** The bootnode's enode URL, computed from its key before any container starts. */
  readonly bootnodeEnode: pulumi.Output<string>;
  /** Every node's plain values, available once the network is ready. */
  readonly nodes: pulumi.Output<NodeInfo[]>;
  /** The Docker network's name and subnet. */
  readonly network: { name: pulumi.Output<string>; subnet: string };
  /** A launch.json document with an attach entry per debug client, once ready. */
  readonly vscodeLaunch: pulumi.Output<LaunchDocument>;
  /** GoLand "Go Remote" run configuration files, one per debug client, once ready. */
  readonly golandRunConfigs: pulumi.Output<RunConfigFile[]>;
  /** The checkout the client was built from, the root of the IDE path mapping. */
  readonly sourceDir: string;
  /** The bootnode, for its container and enode. */
  readonly bootnode: EthNode;
  /** The clients, `node-1` first. */
  readonly clients: EthNode[];
  /** The Docker network every node is on. */
  readonly dockerNetwork: docker.Network;

  constructor(name: string, args: DebugNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eth-debugnet:index:DebugNetwork", name, {}, opts);

    const config = args.config;
    const prefix = config.networkName;
    const objectLabels = labels(prefix);
    const crowded = neighbourTableWarning(config.clients + 1, neighbourTableLimit());
    if (crowded) {
      pulumi.log.warn(crowded, this);
    }

    const network = new docker.Network(
      `${name}-network`,
      {
        name: config.networkName,
        ipamConfigs: [{ subnet: config.subnet.cidr, gateway: gatewayAddress(config.subnet) }],
        labels: objectLabels,
      },
      // The name is fixed, so the old network must go before a replacement can take it.
      { parent: this, deleteBeforeReplace: true },
    );

    const image = new DevImage(
      `${name}-dev`,
      {
        contextDir: path.join(config.projectDir, "image"),
        baseImage: config.baseImage,
        delveVersion: config.delveVersion,
        imageName: `eth-debugnet-dev:${prefix}`,
      },
      { parent: this },
    );

    const build = new ClientBuild(
      `${name}-build`,
      {
        imageId: image.imageId,
        sourceDir: config.sourceDir,
        sourceHash: hashSource(
          config.sourceDir,
          config.sourceExcludes,
          defaultCacheFile(config.sourceDir),
        ),
        binary: config.binary,
        buildCommand: config.buildCommand,
        volumePrefix: prefix,
        labels: objectLabels,
      },
      { parent: this },
    );

    const common = {
      p2pPort: config.p2pPort,
      genesis: config.genesis.text,
      networkName: network.name,
      imageId: image.imageId,
      binVolume: build.binVolume,
      binaryHash: build.binaryHash,
      dockerPrefix: prefix,
      labels: objectLabels,
    };
    const nodeKey = (nodeName: string) => {
      const key = config.nodeKeys[nodeName];
      return key === undefined ? undefined : pulumi.secret(key);
    };
    const launch = (nodeName: string) => ({
      binary: config.binary,
      initArgs: config.initArgs,
      flags: [
        ...config.clientFlags,
        ...(config.extraFlags.all ?? []),
        ...(config.extraFlags[nodeName] ?? []),
      ],
      network: {
        p2pPort: config.p2pPort,
        subnet: config.subnet.cidr,
        networkId: config.networkId,
        verbosity: config.verbosity,
      },
    });

    const bootnode = new EthNode(
      `${name}-${BOOTNODE_NAME}`,
      {
        ...common,
        nodeName: BOOTNODE_NAME,
        role: "bootnode",
        ip: nodeAddress(config.subnet, 0),
        rpcHostPort: rpcHostPort(config.rpcPorts, 0),
        nodeKey: nodeKey(BOOTNODE_NAME),
        launch: launch(BOOTNODE_NAME),
        bootnodes: "",
      },
      { parent: this },
    );

    const clients = Array.from({ length: config.clients }, (_, i) => {
      const index = i + 1;
      const nodeName = clientName(index);
      const debug = config.debugClients.includes(nodeName);
      return new EthNode(
        `${name}-${nodeName}`,
        {
          ...common,
          nodeName,
          role: "client",
          ip: nodeAddress(config.subnet, index),
          rpcHostPort: rpcHostPort(config.rpcPorts, index),
          delveHostPort: debug ? delveHostPort(config.delvePorts, index) : undefined,
          waitForDebugger: config.waitForDebugger.includes(nodeName),
          nodeKey: nodeKey(nodeName),
          launch: launch(nodeName),
          bootnodes: bootnode.enode,
        },
        { parent: this },
      );
    });

    const all = [bootnode, ...clients];
    const infos = pulumi.all(all.map((node) => node.info));

    const readiness = new Readiness(
      `${name}-ready`,
      {
        plan: infos.apply((nodes) => readinessPlan(nodes, config.readyTimeout)),
        triggers: all.map((node) => node.container.id),
      },
      { parent: this },
    );

    // The node list and IDE documents wait for readiness, so whatever chains on them finds a
    // network it can use; the enode and network name are known before anything starts.
    const ready = <T>(value: pulumi.Output<T>) =>
      pulumi.all([value, readiness.report]).apply(([inner]) => inner);

    const targets = infos.apply(debugTargets);
    this.bootnode = bootnode;
    this.clients = clients;
    this.dockerNetwork = network;
    this.bootnodeEnode = bootnode.enode;
    this.nodes = ready(infos);
    this.network = { name: network.name, subnet: config.subnet.cidr };
    this.sourceDir = config.sourceDir;
    this.vscodeLaunch = ready(
      targets.apply((list) => vscodeLaunch(list, config.sourceDir, BUILD_SOURCE_DIR)),
    );
    this.golandRunConfigs = ready(targets.apply(golandRunConfigs));

    this.registerOutputs({
      bootnodeEnode: this.bootnodeEnode,
      nodes: this.nodes,
      network: this.network,
      sourceDir: this.sourceDir,
      vscodeLaunch: this.vscodeLaunch,
      golandRunConfigs: this.golandRunConfigs,
    });
  }
}

function debugTargets(nodes: NodeInfo[]): DebugTarget[] {
  return nodes.flatMap((node) => (node.delve ? [{ name: node.name, ...node.delve }] : []));
}

function readinessPlan(nodes: NodeInfo[], timeoutSeconds: number): ReadinessPlan {
  return {
    timeoutSeconds,
    targets: nodes.map((node) => ({
      name: node.name,
      container: node.container,
      rpcUrl: node.waitForDebugger ? undefined : node.rpcUrl,
      needsPeers: node.role === "client",
      delve: node.delve ?? undefined,
    })),
  };
}
