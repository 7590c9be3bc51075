import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Minimatch } from "minimatch";

/**
 * A digest of the client checkout: the relative path and contents of every file not excluded.
 * It decides whether the client is rebuilt, so edits to excluded paths (tests, IDE files, the
 * checkout's own build output) leave a running network alone.
 *
 * Reading a large checkout on every `pulumi up` would put seconds on the path to a running
 * network, so file digests are cached by path, size, modification time and inode (as git's
 * index does) and only files whose stamp changed are read again.
 *
 * @param root absolute path of the checkout
 * @param excludes glob patterns relative to `root`; a matching directory is skipped whole
 * @param cacheFile where to keep file digests between runs; none when left out
 */
export async function hashSource(
  root: string,
  excludes: string[],
  cacheFile?: string,
): Promise<string> {
  const cache = readCache(cacheFile, root);
  const files = listFiles(root, excludes);
  const fresh: Record<string, CachedFile> = {};

  // Bounded parallelism: enough to keep the disk busy without exhausting file descriptors.
  for (let start = 0; start < files.length; start += 64) {
    await Promise.all(
      files.slice(start, start + 64).map(async (file) => {
        const stats = await fs.promises.lstat(path.join(root, file));
        const stamp = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
        const known = cache.files[file];
        fresh[file] =
          known?.stamp === stamp ? known : { stamp, digest: await digestOf(root, file, stats) };
      }),
    );
  }

  writeCache(cacheFile, { root, files: fresh });
  const tree = createHash("sha256");
  for (const file of files) {
    tree.update(`${file}\0${fresh[file].digest}\n`);
  }
  return tree.digest("hex");
}

interface CachedFile {
  stamp: string;
  digest: string;
}

interface Cache {
  root: string;
  files: Record<string, CachedFile>;
}

/** Relative paths (with `/`) of the files to hash, sorted, excluded subtrees not entered. */
function listFiles(root: string, excludes: string[]): string[] {
  const patterns = excludes.map((pattern) => new Minimatch(pattern, { dot: true }));
  const excluded = (relative: string) => patterns.some((pattern) => pattern.match(relative));
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (excluded(relative)) {
        continue;
      }
      if (entry.isDirectory()) {
        walk(relative);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        found.push(relative);
      }
    }
  };
  walk("");
  return found.sort();
}

/** A file's content digest; a symbolic link is hashed by its target, not followed. */
async function digestOf(root: string, file: string, stats: fs.Stats): Promise<string> {
  const full = path.join(root, file);
  const content = stats.isSymbolicLink()
    ? `link:${await fs.promises.readlink(full)}`
    : await fs.promises.readFile(full);
  return createHash("sha256").update(content).digest("hex");
}

function readCache(cacheFile: string | undefined, root: string): Cache {
  try {
    const cache = JSON.parse(fs.readFileSync(cacheFile ?? "", "utf8")) as Cache;
    return cache.root === root ? cache : { root, files: {} };
  } catch {
    return { root, files: {} };
  }
}

/** Writes the cache through a rename, so a concurrent reader never sees half a file. */
function writeCache(cacheFile: string | undefined, cache: Cache): void {
  if (cacheFile) {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const scratch = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(scratch, JSON.stringify(cache));
    fs.renameSync(scratch, cacheFile);
  }
}

/** A per-checkout cache file in the system's temporary directory. */
export function defaultCacheFile(root: string): string {
  const key = createHash("sha256").update(path.resolve(root)).digest("hex").slice(0, 16);
  return path.join(os.tmpdir(), "eth-debugnet-source-digests", `${key}.json`);
}
