import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_DIR, bundleKey, cachedWorkflowBundle } from '../../src/workers/workflow-bundle';

/** A compiled tree as `npm run build` leaves it: dist/workflows, dist/core, and the lock file beside dist. */
async function compiledTree(): Promise<{ top: string; dist: string; workflows: string }> {
  const top = await mkdtemp(join(tmpdir(), 'steward-bundle-'));
  const dist = join(top, 'dist');
  await mkdir(join(dist, 'workflows'), { recursive: true });
  await mkdir(join(dist, 'core'), { recursive: true });
  await writeFile(join(dist, 'workflows', 'index.js'), 'exports.build = require("../core/tick");\n');
  await writeFile(join(dist, 'core', 'tick.js'), 'module.exports = 1;\n');
  await writeFile(join(top, 'package-lock.json'), '{"lockfileVersion":3}\n');
  return { top, dist, workflows: join(dist, 'workflows', 'index.js') };
}

/** A bundler that counts its runs and stamps each bundle with its run. */
function countingBundler() {
  const calls: string[] = [];
  const bundler = async (path: string) => {
    calls.push(path);
    return `/* bundle ${calls.length} */`;
  };
  return { calls, bundler };
}

describe('cachedWorkflowBundle', () => {
  let tree: Awaited<ReturnType<typeof compiledTree>>;
  beforeEach(async () => {
    tree = await compiledTree();
  });
  afterEach(() => rm(tree.top, { recursive: true, force: true }));

  test('the first worker after a build bundles and keeps the bundle; the next ones load it without bundling', async () => {
    const { calls, bundler } = countingBundler();
    const first = await cachedWorkflowBundle(tree.workflows, bundler);
    const codePath = join(tree.dist, BUNDLE_DIR, `${await bundleKey(tree.dist)}.js`);
    expect(first).toEqual({ codePath });
    expect(await readFile(codePath, 'utf8')).toBe('/* bundle 1 */');
    expect(await cachedWorkflowBundle(tree.workflows, bundler)).toEqual({ codePath });
    expect(calls).toEqual([tree.workflows]);
    // Only the bundle itself is left in the directory: no partial file.
    expect(await readdir(join(tree.dist, BUNDLE_DIR))).toEqual([`${await bundleKey(tree.dist)}.js`]);
  });

  test('a rebuild that changes any compiled file, or the lock file, is bundled again; the old bundle goes', async () => {
    const { calls, bundler } = countingBundler();
    const before = await bundleKey(tree.dist);
    await cachedWorkflowBundle(tree.workflows, bundler);
    // The same content written again (tsc rewrites every file) keeps the key.
    await writeFile(join(tree.dist, 'core', 'tick.js'), 'module.exports = 1;\n');
    expect(await bundleKey(tree.dist)).toBe(before);

    await writeFile(join(tree.dist, 'core', 'tick.js'), 'module.exports = 2;\n');
    const changed = await bundleKey(tree.dist);
    expect(changed).not.toBe(before);
    expect(await cachedWorkflowBundle(tree.workflows, bundler)).toEqual({
      codePath: join(tree.dist, BUNDLE_DIR, `${changed}.js`),
    });
    expect(await readdir(join(tree.dist, BUNDLE_DIR))).toEqual([`${changed}.js`]);

    await writeFile(join(tree.top, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    expect(await bundleKey(tree.dist)).not.toBe(changed);
    expect(calls).toHaveLength(2);
  });

  test('a file added under the root changes the key; the bundles themselves do not', async () => {
    const before = await bundleKey(tree.dist);
    await cachedWorkflowBundle(tree.workflows, countingBundler().bundler);
    expect(await bundleKey(tree.dist)).toBe(before);
    await writeFile(join(tree.dist, 'core', 'new-rule.js'), 'module.exports = 3;\n');
    expect(await bundleKey(tree.dist)).not.toBe(before);
  });

  test('where the bundle cannot be kept, the fresh bundle is used as it is', async () => {
    await writeFile(join(tree.dist, BUNDLE_DIR), 'not a directory');
    const { calls, bundler } = countingBundler();
    expect(await cachedWorkflowBundle(tree.workflows, bundler)).toEqual({ code: '/* bundle 1 */' });
    expect(await cachedWorkflowBundle(tree.workflows, bundler)).toEqual({ code: '/* bundle 2 */' });
    expect(calls).toHaveLength(2);
  });

  test('workflows run from their TypeScript sources are left to the worker to bundle', async () => {
    const { calls, bundler } = countingBundler();
    expect(await cachedWorkflowBundle(join(__dirname, '..', '..', 'src', 'workflows', 'index.ts'), bundler)).toBeNull();
    expect(calls).toEqual([]);
  });
});
