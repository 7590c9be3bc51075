import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { defaultCacheFile } from "../../lib/sourceHash";

const made: string[] = [];

/** A fresh temporary directory, removed (with any source digest cache kept for it) on exit. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  made.push(dir, defaultCacheFile(dir));
  return dir;
}

process.on("exit", () => {
  for (const entry of made) {
    fs.rmSync(entry, { recursive: true, force: true });
  }
});
