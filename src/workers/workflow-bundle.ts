import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { bundleWorkflowCode, WorkflowBundleOption } from '@temporalio/worker';

/** Where the bundles are kept, inside the compiled code's root (dist/); hidden, so not hashed. */
export const BUNDLE_DIR = '.workflow-bundle';

/** Makes the bundle of the workflows at `workflowsPath`: the SDK's bundler, as Worker.create runs it. */
export type Bundler = (workflowsPath: string) => Promise<string>;

const sdkBundler: Bundler = async (workflowsPath) => (await bundleWorkflowCode({ workflowsPath })).code;

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.'))
      .map(async (e) => {
        const path = join(dir, e.name);
        if (e.isDirectory()) return filesUnder(path, ext);
        return e.isFile() && e.name.endsWith(ext) ? [path] : [];
      }),
  );
  return nested.flat();
}

/**
 * What a bundle of `root`'s code is made of: every compiled file under `root` (the workflows, the
 * core they import and the rest), the lock file of the packages beside it, and `root` itself. Any
 * rebuild or install that changes one of them changes the key.
 */
export async function bundleKey(root: string): Promise<string> {
  const hash = createHash('sha256').update(resolve(root));
  for (const file of (await filesUnder(root, '.js')).sort()) {
    hash.update(`\0${relative(root, file)}\0`);
    hash.update(await readFile(file));
  }
  const lock = await readFile(join(root, '..', 'package-lock.json')).catch(() => null);
  hash.update('\0lock\0').update(lock ?? '');
  return hash.digest('hex').slice(0, 24);
}

/**
 * The workflow code for a worker, bundled once per build of Steward: the first worker started
 * after a build writes `dist/.workflow-bundle/<key>.js`, and every later one (a worker replacing
 * one that died) loads it instead of bundling again, which takes 2–4 s on a loaded 2-core machine
 * (docs/performance.md, "Recovery time"). Null when the workflows are not compiled JavaScript (run
 * from the TypeScript sources): the worker then bundles them itself. When the cache cannot be
 * written (a read-only install), the fresh bundle is used as it is.
 */
export async function cachedWorkflowBundle(
  workflowsPath: string,
  bundler: Bundler = sdkBundler,
): Promise<WorkflowBundleOption | null> {
  if (!workflowsPath.endsWith('.js')) return null;
  const root = dirname(dirname(workflowsPath));
  const dir = join(root, BUNDLE_DIR);
  const codePath = join(dir, `${await bundleKey(root)}.js`);
  if ((await stat(codePath).catch(() => null))?.isFile()) return { codePath };
  const code = await bundler(workflowsPath);
  // Written whole, then renamed: a worker starting meanwhile never reads half a bundle.
  const partial = join(dir, `.${randomBytes(6).toString('hex')}.partial`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(partial, code);
    await rename(partial, codePath);
  } catch {
    await rm(partial, { force: true }).catch(() => undefined);
    return { code };
  }
  // The bundles of earlier builds are of no further use.
  for (const old of await readdir(dir).catch(() => []))
    if (old !== basename(codePath) && old.endsWith('.js'))
      await rm(join(dir, old), { force: true }).catch(() => undefined);
  return { codePath };
}
