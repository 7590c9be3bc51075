import * as path from "path";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/**
 * Removes the stack's image: its tag, if that still names this image, then the image itself
 * once no tag is left. Another tag on the same image (a second stack whose build came out the
 * same) keeps it, and so does a container outside the stack that still uses it; destroy goes on
 * and says why. An image already gone (pruned by hand, say) is no error.
 */
export const REMOVE_IMAGE = [
  'exists() { docker image inspect "$IMAGE_ID" >/dev/null 2>&1; }',
  "exists || exit 0",
  'tagged=$(docker image inspect --format "{{.Id}}" "$IMAGE_NAME" 2>/dev/null || true)',
  // Docker's own message says why when it cannot untag; destroy goes on regardless.
  'if [ "$tagged" = "$IMAGE_ID" ]; then docker image rm "$IMAGE_NAME" >/dev/null || exit 0; fi',
  "exists || exit 0",
  'tags=$(docker image inspect --format "{{range .RepoTags}} {{.}}{{end}}" "$IMAGE_ID") || exit 1',
  'if [ -n "$tags" ]; then echo "kept image $IMAGE_ID, also tagged$tags" >&2; exit 0; fi',
  'docker image rm "$IMAGE_ID" >/dev/null || echo "kept image $IMAGE_ID: still in use" >&2',
].join("\n");

export interface DevImageArgs {
  /** Directory holding the Dockerfile and the scripts it copies (the project's `image/`). */
  contextDir: string;
  /** Image the Go toolchain comes from, e.g. `golang:1.26-bookworm`. */
  baseImage: string;
  /** Delve version installed with `go install`, e.g. `v1.27.2`. */
  delveVersion: string;
  /** Local tag of the built image. */
  imageName: string;
}

/**
 * The development image: Go toolchain, Delve, git, make and a C compiler, plus the scripts that
 * build and start the client. It is built locally and never pushed; the provider rebuilds it
 * only when the Dockerfile, the scripts or the build arguments change. The provider leaves
 * built images behind on destroy, so a companion command removes each image it replaces or
 * destroys.
 */
export class DevImage extends pulumi.ComponentResource {
  /** The local image ID (`sha256:…`); changes with every rebuild, so dependants follow it. */
  readonly imageId: pulumi.Output<string>;

  constructor(name: string, args: DevImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eth-debugnet:index:DevImage", name, {}, opts);

    const image = new docker.Image(
      `${name}-image`,
      {
        imageName: args.imageName,
        skipPush: true,
        build: {
          context: args.contextDir,
          dockerfile: path.join(args.contextDir, "Dockerfile"),
          args: { BASE_IMAGE: args.baseImage, DELVE_VERSION: args.delveVersion },
          // The classic builder works with every engine, including those without BuildKit.
          builderVersion: "BuilderV1",
        },
      },
      { parent: this },
    );

    // Dependants take the image ID through this command, so on destroy it is deleted after
    // every container and build that used the image. A new ID replaces the command (a trigger,
    // not just a changed environment, which would only update it), and replacing it deletes
    // the old one: that removes the image the rebuild superseded.
    const removal = new command.local.Command(
      `${name}-removal`,
      {
        environment: { IMAGE_ID: image.repoDigest, IMAGE_NAME: args.imageName },
        triggers: [image.repoDigest],
        delete: REMOVE_IMAGE,
      },
      { parent: this },
    );

    this.imageId = pulumi.all([image.repoDigest, removal.urn]).apply(([id]) => id);
    this.registerOutputs({ imageId: this.imageId });
  }
}
