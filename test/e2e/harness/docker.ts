import * as fs from "fs";
import * as path from "path";
import Docker from "dockerode";
import { pack as tarPack } from "tar-stream";

import { hashSource } from "../../../lib/sourceHash";
import { UnhandledField, only } from "./fields";

/**
 * The Docker resources of @pulumi/docker v5, carried out against a real engine with the calls
 * the provider makes (see the README's description of the end-to-end tier): containers are
 * created, connected to their networks with fixed addresses, given their uploads, then
 * started; networks and volumes are created and removed; images are built from their context.
 * Outputs the program reads come back from the engine.
 */

export interface Handled {
  id: string;
  outputs: Record<string, unknown>;
}

export const docker = new Docker();

// --- Network --------------------------------------------------------------------------------

export async function createNetwork(inputs: Record<string, any>): Promise<Handled> {
  const args = only("docker:index/network:Network", inputs, [
    "name",
    "driver",
    "ipamConfigs",
    "labels",
    "internal",
    "attachable",
  ]);
  const config = (args.ipamConfigs ?? []).map((entry: unknown) => {
    const ipam = only("Network.ipamConfigs[]", entry, ["subnet", "gateway", "ipRange"]);
    return { Subnet: ipam.subnet, Gateway: ipam.gateway, IPRange: ipam.ipRange };
  });
  const network = await docker.createNetwork({
    Name: args.name,
    Driver: args.driver ?? "bridge",
    IPAM: { Driver: "default", Config: config },
    Labels: labelMap(args.labels),
    Internal: args.internal ?? false,
    Attachable: args.attachable ?? false,
  });
  return { id: network.id, outputs: { ...inputs, driver: args.driver ?? "bridge" } };
}

export async function deleteNetwork(id: string): Promise<void> {
  await ignoreMissing(docker.getNetwork(id).remove());
}

// --- Volume ---------------------------------------------------------------------------------

export async function createVolume(inputs: Record<string, any>): Promise<Handled> {
  const args = only("docker:index/volume:Volume", inputs, ["name", "labels", "driver"]);
  await docker.createVolume({
    Name: args.name,
    Driver: args.driver ?? "local",
    Labels: labelMap(args.labels),
  });
  const info = await docker.getVolume(args.name).inspect();
  return { id: info.Name, outputs: { ...inputs, mountpoint: info.Mountpoint } };
}

export async function deleteVolume(id: string): Promise<void> {
  await ignoreMissing(docker.getVolume(id).remove({ force: true }));
}

// --- Image ----------------------------------------------------------------------------------

/**
 * The provider hashes the build context into an implicit input, so a changed Dockerfile or
 * script rebuilds the image; the harness adds the same kind of digest before comparing inputs.
 */
export async function imageInputsWithDigest(
  inputs: Record<string, any>,
): Promise<Record<string, any>> {
  const build = inputs.build ?? {};
  const context = path.resolve(build.context ?? ".");
  return { ...inputs, build: { ...build, contextDigest: await hashSource(context, []) } };
}

export async function buildImage(inputs: Record<string, any>): Promise<Handled> {
  // buildOnPreview only matters in a preview, which the harness never runs.
  const args = only("docker:index/image:Image", inputs, [
    "imageName",
    "skipPush",
    "build",
    "buildOnPreview",
  ]);
  if (args.skipPush !== true) {
    throw new Error("the harness builds local images only (skipPush: true)");
  }
  const build = only("Image.build", args.build, [
    "context",
    "dockerfile",
    "args",
    "builderVersion",
    "contextDigest",
  ]);
  const context = path.resolve(build.context ?? ".");
  const dockerfile = path.resolve(build.dockerfile ?? path.join(context, "Dockerfile"));

  const files = fs
    .readdirSync(context, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(context, path.join(entry.parentPath, entry.name)));
  if (files.includes(".dockerignore")) {
    throw new UnhandledField("Image.build.context", ".dockerignore");
  }
  const stream = await docker.buildImage(
    { context, src: files },
    {
      t: args.imageName,
      dockerfile: path.relative(context, dockerfile),
      buildargs: build.args ?? {},
      version: build.builderVersion === "BuilderV1" ? "1" : "2",
    },
  );
  const events = await new Promise<any[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  const failure = events.find((event) => event.error);
  if (failure) {
    const log = events.map((event) => event.stream ?? "").join("");
    throw new Error(`image build failed: ${failure.error}\n${log.slice(-3000)}`);
  }

  const image = await docker.getImage(args.imageName).inspect();
  return {
    id: image.Id,
    outputs: {
      ...inputs,
      imageName: args.imageName,
      repoDigest: image.Id,
      context,
      dockerfile,
    },
  };
}

// --- Container ------------------------------------------------------------------------------

const CONTAINER_FIELDS = [
  "name",
  "image",
  "hostname",
  "entrypoints",
  "command",
  "envs",
  "labels",
  "networksAdvanced",
  "ports",
  "volumes",
  "uploads",
  "capabilities",
  "securityOpts",
  "mustRun",
  "start",
  "restart",
  "destroyGraceSeconds",
];

export async function createContainer(inputs: Record<string, any>): Promise<Handled> {
  const args = only("docker:index/container:Container", inputs, CONTAINER_FIELDS);

  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const entry of args.ports ?? []) {
    const port = only("Container.ports[]", entry, ["internal", "external", "ip", "protocol"]);
    const key = `${port.internal}/${port.protocol ?? "tcp"}`;
    exposed[key] = {};
    bindings[key] = [{ HostIp: port.ip ?? "0.0.0.0", HostPort: String(port.external ?? 0) }];
  }

  const binds = (args.volumes ?? []).map((entry: unknown) => {
    const volume = only("Container.volumes[]", entry, ["volumeName", "containerPath", "readOnly"]);
    return `${volume.volumeName}:${volume.containerPath}:${volume.readOnly ? "ro" : "rw"}`;
  });
  const capabilities = only("Container.capabilities", args.capabilities, ["adds", "drops"]);

  const container = await docker.createContainer({
    name: args.name,
    Image: args.image,
    Hostname: args.hostname,
    Entrypoint: args.entrypoints,
    Cmd: args.command,
    Env: args.envs,
    Labels: labelMap(args.labels),
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      Binds: binds,
      CapAdd: capabilities.adds,
      CapDrop: capabilities.drops,
      SecurityOpt: args.securityOpts,
      RestartPolicy: { Name: args.restart ?? "no" },
    },
  });

  // The provider creates the container on the default bridge, then moves it to the networks
  // it names, with their fixed addresses.
  if ((args.networksAdvanced ?? []).length > 0) {
    await ignoreMissing(docker.getNetwork("bridge").disconnect({ Container: container.id }));
  }
  for (const entry of args.networksAdvanced ?? []) {
    const network = only("Container.networksAdvanced[]", entry, ["name", "ipv4Address"]);
    await docker.getNetwork(network.name).connect({
      Container: container.id,
      EndpointConfig: { IPAMConfig: { IPv4Address: network.ipv4Address } },
    });
  }

  for (const entry of args.uploads ?? []) {
    const upload = only("Container.uploads[]", entry, ["file", "content", "executable"]);
    await container.putArchive(await tarOf(upload.file, upload.content, upload.executable), {
      path: "/",
    });
  }

  if (args.start !== false) {
    // A container that cannot start (a host port already taken, say) is not kept: the failed
    // create leaves nothing in the state, so nothing would remove it later.
    await container.start().catch(async (error: unknown) => {
      await container.remove({ force: true, v: true });
      throw error;
    });
  }
  const info = await container.inspect();
  if (args.mustRun !== false && !info.State.Running) {
    await container.remove({ force: true });
    throw new Error(`container ${args.name} exited immediately (code ${info.State.ExitCode})`);
  }

  const networkDatas = Object.entries(info.NetworkSettings.Networks).map(([name, network]) => ({
    networkName: name,
    ipAddress: network.IPAddress,
    ipPrefixLength: network.IPPrefixLen,
    gateway: network.Gateway,
    macAddress: network.MacAddress,
  }));
  return { id: info.Id, outputs: { ...inputs, networkDatas, image: info.Image } };
}

/**
 * As the provider deletes a container: a stop that waits `destroyGraceSeconds` (none when it is
 * not set, so the process is killed at once), then a forced removal with its anonymous volumes.
 */
export async function deleteContainer(id: string, inputs: Record<string, any>): Promise<void> {
  const container = docker.getContainer(id);
  await ignoreMissing(container.stop({ t: inputs.destroyGraceSeconds ?? 0 }), 304);
  await ignoreMissing(container.remove({ force: true, v: true }));
}

// --- helpers --------------------------------------------------------------------------------

function labelMap(labels: unknown): Record<string, string> {
  const list = (labels ?? []) as unknown[];
  return Object.fromEntries(
    list.map((entry) => {
      const label = only("labels[]", entry, ["label", "value"]);
      return [label.label, label.value];
    }),
  );
}

/** A tar holding one file at its absolute path, as the provider uploads it (to "/"). */
function tarOf(file: string, content: string, executable?: boolean): Promise<Buffer> {
  const archive = tarPack();
  archive.entry({ name: file, mode: executable ? 0o744 : 0o644 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.on("data", (chunk) => {
      chunks.push(chunk as Buffer);
    });
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
  });
}

/** Awaits a Docker call, treating "no such object" (and the given codes) as done. */
async function ignoreMissing(call: Promise<unknown>, ...alsoFine: number[]): Promise<void> {
  try {
    await call;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const notConnected = /is not connected/.test(String((error as Error).message));
    if (status !== 404 && !alsoFine.includes(status ?? 0) && !notConnected) {
      throw error;
    }
  }
}
