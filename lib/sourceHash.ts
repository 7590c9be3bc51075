import * as path from "path";
import { hashElement } from "folder-hash";
import { escape } from "minimatch";

/**
 * A digest of the client checkout: names and contents of every file not excluded. It decides
 * whether the client is rebuilt, so edits to excluded paths (tests, IDE files, the checkout's
 * own build output) leave a running network alone.
 *
 * @param root absolute path of the checkout
 * @param excludes glob patterns relative to `root`; a matching directory is skipped whole
 */
export async function hashSource(root: string, excludes: string[]): Promise<string> {
  // folder-hash matches globs against full paths, so anchor each pattern at the root.
  const anchor = escape(path.resolve(root).split(path.sep).join("/"));
  const rules = {
    exclude: excludes.map((pattern) => `${anchor}/${pattern}`),
    matchBasename: false,
    matchPath: true,
  };
  const tree = await hashElement(root, {
    algo: "sha256",
    encoding: "hex",
    folders: { ...rules, ignoreRootName: true },
    files: rules,
  });
  return tree.hash;
}
