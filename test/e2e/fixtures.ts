import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * What the end-to-end tier runs on: a Docker engine, a base image with a Go toolchain, and a
 * pinned go-ethereum release as the "developer's checkout". `npm run e2e:prepare` makes the
 * last two; CI runs it after starting the engine.
 */

export const GETH_VERSION = process.env.DEBUGNET_E2E_GETH_VERSION ?? "v1.17.10";

const PROJECT_DIR = path.resolve(__dirname, "../..");

/**
 * The Go base image. By default a local stand-in that the prepare step builds from Debian's
 * packages and this machine's Go, as CI reaches no registry; where one is reachable, set
 * DEBUGNET_E2E_BASE_IMAGE to a public image such as `golang:1.26-bookworm` and it is pulled.
 */
export const BASE_IMAGE =
  process.env.DEBUGNET_E2E_BASE_IMAGE ?? "eth-debugnet-test/golang:local-bookworm";

export const SOURCE_DIR =
  process.env.DEBUGNET_E2E_SOURCE ??
  path.join(PROJECT_DIR, ".cache", `go-ethereum-${GETH_VERSION}`);

/** Whether a missing prerequisite fails the tier (CI) instead of skipping it. */
export const REQUIRED = process.env.DEBUGNET_E2E === "required";

/** What is missing for the tier to run, or an empty list. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!run("docker", ["info", "--format", "{{.ServerVersion}}"])) {
    missing.push("a running Docker engine (`docker info` fails)");
  } else if (!run("docker", ["image", "inspect", BASE_IMAGE])) {
    missing.push(`the base image ${BASE_IMAGE} (run \`npm run e2e:prepare\`)`);
  }
  if (!fs.existsSync(path.join(SOURCE_DIR, "go.mod"))) {
    missing.push(`a go-ethereum checkout in ${SOURCE_DIR} (run \`npm run e2e:prepare\`)`);
  }
  return missing;
}

/** Copies the pinned go-ethereum release from the Go module cache into SOURCE_DIR. */
export function prepareSource(): void {
  if (fs.existsSync(path.join(SOURCE_DIR, "go.mod"))) {
    console.log(`go-ethereum ${GETH_VERSION}: ${SOURCE_DIR} is there`);
    return;
  }
  const module = `github.com/ethereum/go-ethereum@${GETH_VERSION}`;
  const info = JSON.parse(
    execFileSync("go", ["mod", "download", "-json", module], { encoding: "utf8" }),
  ) as { Dir: string };
  fs.mkdirSync(path.dirname(SOURCE_DIR), { recursive: true });
  fs.cpSync(info.Dir, SOURCE_DIR, { recursive: true });
  execFileSync("chmod", ["-R", "u+w", SOURCE_DIR]);
  console.log(`go-ethereum ${GETH_VERSION}: copied to ${SOURCE_DIR}`);
}

/**
 * Makes BASE_IMAGE: pulls it when it names a public image, otherwise builds a Debian bookworm
 * root file system with debootstrap (as root), adds this machine's Go toolchain and CA
 * certificates (so `go install` works behind a TLS-inspecting proxy) and imports it.
 */
export function prepareBaseImage(): void {
  if (run("docker", ["image", "inspect", BASE_IMAGE])) {
    console.log(`base image ${BASE_IMAGE}: present`);
    return;
  }
  if (!BASE_IMAGE.startsWith("eth-debugnet-test/")) {
    execFileSync("docker", ["pull", BASE_IMAGE], { stdio: "inherit" });
    return;
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "debugnet-rootfs-"));
  try {
    const packages = "ca-certificates,curl,git,make,gcc,libc6-dev";
    execFileSync(
      "debootstrap",
      ["--variant=minbase", `--include=${packages}`, "bookworm", root, debianMirror()],
      { stdio: "inherit" },
    );
    const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
    fs.cpSync(goroot, path.join(root, "usr/local/go"), { recursive: true });
    const localCerts = "/usr/local/share/ca-certificates";
    if (fs.existsSync(localCerts)) {
      fs.cpSync(localCerts, path.join(root, localCerts), { recursive: true });
      execFileSync("chroot", [root, "update-ca-certificates"], { stdio: "inherit" });
    }
    const tar = `tar -C '${root}' -c . | docker import ${importChanges()} - '${BASE_IMAGE}'`;
    execFileSync("sh", ["-c", tar], { stdio: "inherit" });
    console.log(`base image ${BASE_IMAGE}: built`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The same environment the public golang images set. */
function importChanges(): string {
  return [`ENV PATH=/go/bin:/usr/local/go/bin:${SYSTEM_PATH}`, "ENV GOPATH=/go", "WORKDIR /go"]
    .map((change) => `--change '${change}'`)
    .join(" ");
}

/** The Debian mirror this machine's apt uses, so debootstrap reaches the same one. */
function debianMirror(): string {
  const sources = "/etc/apt/sources.list.d/debian.sources";
  const text = fs.existsSync(sources) ? fs.readFileSync(sources, "utf8") : "";
  return /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? "http://deb.debian.org/debian";
}

function run(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
