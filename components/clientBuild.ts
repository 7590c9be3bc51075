import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { Label } from "../lib/labels";

/** Where the checkout is mounted during the build; the binary's debug info names these paths. */
export const BUILD_SOURCE_DIR = "/src";

/** Go's caches inside the development image (GOPATH=/go, HOME=/root). */
const MODULE_CACHE_DIR = "/go/pkg/mod";
const BUILD_CACHE_DIR = "/root/.cache/go-build";
const OUTPUT_DIR = "/out";

/**
 * The build's CPU weight against the node containers (1024 each, Docker's default). Running
 * nodes keep the CPU busy (an idle client under Delve takes about a tenth of a core), and a
 * rebuild competing with 16 of them on two cores took over a minute instead of ten seconds.
 * The nodes wait while it builds; a source change replaces them anyway. The weight only counts
 * when the CPU is contended, and only between containers.
 */
export const BUILD_CPU_SHARES = 262144;

export interface ClientBuildArgs {
  /** Development image ID the build runs in. */
  imageId: pulumi.Input<string>;
  /** Absolute path of the client checkout on this machine; mounted read-only. */
  sourceDir: string;
  /**
   * Digest of the checkout's contents. The build runs again only when it, the image or the
   * build settings change.
   */
  sourceHash: pulumi.Input<string>;
  /** Binary file name the build command writes to `$DEBUGNET_OUT`. */
  binary: string;
  /** Shell command run in the checkout; see `buildCommand` in Pulumi.yaml. */
  buildCommand: string;
  /** Prefix of the Docker volume names. */
  volumePrefix: string;
  /** Labels put on the volumes and on the build container. */
  labels: Label[];
}

/**
 * Builds the client once, in a throwaway container of the development image, into a volume
 * every node mounts read-only. The Go module and build caches live in volumes of their own, so
 * a one-line change rebuilds in a fraction of the cold time.
 */
export class ClientBuild extends pulumi.ComponentResource {
  /** Name of the volume holding the binary. */
  readonly binVolume: pulumi.Output<string>;
  /** SHA-256 of the built binary; nodes restart when it changes. */
  readonly binaryHash: pulumi.Output<string>;

  constructor(name: string, args: ClientBuildArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eth-debugnet:index:ClientBuild", name, {}, opts);

    const volume = (suffix: string) =>
      new docker.Volume(
        `${name}-${suffix}`,
        { name: `${args.volumePrefix}-${suffix}`, labels: args.labels },
        { parent: this, deleteBeforeReplace: true },
      );
    const modules = volume("gomod");
    const cache = volume("gocache");
    const bin = volume("bin");

    // The command is an argument vector, not a shell string: `interpreter` holds `docker run`
    // and its options, `create` is the last argument, so the build command needs no quoting.
    const build = new command.local.Command(
      `${name}-compile`,
      {
        interpreter: pulumi
          .all([modules.name, cache.name, bin.name, args.imageId])
          .apply(([moduleVolume, cacheVolume, binVolume, imageId]) => [
            "docker",
            "run",
            "--rm",
            "--cpu-shares",
            String(BUILD_CPU_SHARES),
            ...args.labels.flatMap(({ label, value }) => ["--label", `${label}=${value}`]),
            "--mount",
            `type=bind,source=${args.sourceDir},target=${BUILD_SOURCE_DIR},readonly`,
            "--mount",
            `type=volume,source=${moduleVolume},target=${MODULE_CACHE_DIR}`,
            "--mount",
            `type=volume,source=${cacheVolume},target=${BUILD_CACHE_DIR}`,
            "--mount",
            `type=volume,source=${binVolume},target=${OUTPUT_DIR}`,
            imageId,
            "debugnet-build",
            args.binary,
          ]),
        create: args.buildCommand,
        triggers: [args.sourceHash],
        logging: "stdoutAndStderr",
      },
      { parent: this },
    );

    this.binVolume = bin.name;
    this.binaryHash = build.stdout.apply((out) => out.trim());
    this.registerOutputs({ binVolume: this.binVolume, binaryHash: this.binaryHash });
  }
}
