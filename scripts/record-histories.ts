/**
 * Records workflow histories for the replay test (test/unit/replay-histories.test.ts):
 *
 *   npm run build && npm run histories:record                       # every scenario
 *   npm run histories:record -- operator-updates hooks              # some of them
 *   npm run histories:record -- --archive 2026-07-04-before-foo     # keep the current files first
 *
 * Starts its own Temporal dev servers (one plain, one that suggests continue-as-new every
 * CONTINUE_AS_NEW_HISTORY_COUNT events), bundles src/workflows once, runs each scenario of
 * test/helpers/history-scenarios.ts as a real build (tmux, git, scripted agents), replays what it
 * recorded against the same bundle as a sanity check, and writes test/histories/<file>.json plus
 * test/histories/README.md. `--archive LABEL` first moves the current top-level files to
 * test/histories/archive/LABEL/, where the replay test still reads them (see docs/versioning.md).
 *
 * Needs `npm run build` first: the scripted agents run from dist/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { resolveTemporalBinary } from '../src/client/temporal-binary';
import { DevServer, startDevServer } from '../src/client/dev-server';
import { runProgram } from '../src/host/run-program';
import { BuildHarness } from '../test/helpers/harness';
import { freePort } from '../test/helpers/free-port';
import { historyToJSON } from '../test/helpers/history-json';
import {
  CONTINUE_AS_NEW_HISTORY_COUNT,
  HISTORY_SCENARIOS,
  HistoryScenario,
  RecordedRun,
} from '../test/helpers/history-scenarios';

const ROOT = resolve(__dirname, '..');
const HISTORIES_DIR = join(ROOT, 'test', 'histories');

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => log(m),
  error: (m: string) => log(m),
};

interface Options {
  names: string[];
  archive: string | null;
}

function parseArgs(argv: string[]): Options {
  const names: string[] = [];
  let archive: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--archive') {
      archive = argv[++i] ?? '';
      if (!/^[A-Za-z0-9._-]+$/.test(archive))
        throw new Error('--archive takes a label of letters, digits, dots, dashes and underscores');
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg} (usage: record-histories [--archive LABEL] [scenario…])`);
    } else names.push(arg);
  }
  const known = HISTORY_SCENARIOS.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; scenarios: ${known.join(', ')}`);
  return { names, archive };
}

async function gitDescription(): Promise<string> {
  const head = await runProgram('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT });
  const dirty = await runProgram('git', ['status', '--porcelain', '--', 'src/workflows', 'src/core'], { cwd: ROOT });
  const sha = head.code === 0 ? head.stdout.trim() : 'unknown';
  return dirty.code === 0 && dirty.stdout.trim() !== ''
    ? `${sha} with uncommitted changes in src/workflows or src/core`
    : sha;
}

/** Moves the top-level history files to archive/<label>/: they keep being replayed from there. */
async function archiveCurrent(label: string): Promise<void> {
  const target = join(HISTORIES_DIR, 'archive', label);
  if (existsSync(target)) throw new Error(`${target} exists already: pick another --archive label`);
  const files = (await readdir(HISTORIES_DIR).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  if (files.length === 0) return;
  await mkdir(target, { recursive: true });
  for (const f of files) await rename(join(HISTORIES_DIR, f), join(target, f));
  log(`archived ${files.length} histories to ${target}`);
}

async function writeReadme(
  recorded: { scenario: HistoryScenario; runs: { file: string; events: number; bytes: number }[] }[],
  commit: string,
): Promise<void> {
  const existing = (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
  const byFile = new Map<string, { events: number; bytes: number; scenario: HistoryScenario }>();
  for (const r of recorded) for (const run of r.runs) byFile.set(`${run.file}.json`, { ...run, scenario: r.scenario });
  const rows = existing.map((f) => {
    const run = byFile.get(f);
    return run
      ? `| ${f} | ${run.events} | ${Math.round(run.bytes / 1024)} KiB | ${run.scenario.covers} |`
      : `| ${f} | | | (not recorded in this run) |`;
  });
  const text = [
    '# Recorded workflow histories',
    '',
    'Replayed by `test/unit/replay-histories.test.ts` against the current workflow code: a change to',
    'src/workflows or src/core that alters the order of activities or timers without `patched()` fails',
    'it. Recorded by `npm run histories:record` (scripts/record-histories.ts); see docs/versioning.md.',
    '',
    `Last recorded ${new Date().toISOString().slice(0, 10)} from commit ${commit}.`,
    `Files under archive/ come from older workflow code and are replayed too.`,
    '',
    '| File | Events | Size | Covers |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  await writeFile(join(HISTORIES_DIR, 'README.md'), text);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const scenarios = options.names.length
    ? HISTORY_SCENARIOS.filter((s) => options.names.includes(s.name))
    : HISTORY_SCENARIOS;
  if (!existsSync(join(ROOT, 'dist', 'agent', 'scripted-agent.js')))
    throw new Error('dist/ is missing: run `npm run build` first (the scripted agents run from it)');

  await mkdir(HISTORIES_DIR, { recursive: true });
  if (options.archive !== null) await archiveCurrent(options.archive);

  const dir = await mkdtemp(join(tmpdir(), 'steward-histories-'));
  const servers: DevServer[] = [];
  try {
    const binary = await resolveTemporalBinary(log);
    log('bundling src/workflows');
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../src/workflows'),
      logger: quietLogger,
    });
    const bundlePath = join(dir, 'workflow-bundle.js');
    await writeFile(bundlePath, bundle.code);
    process.env.STEWARD_TEST_BUNDLE = bundlePath;

    const serverFor = new Map<HistoryScenario['server'], string>();
    for (const kind of new Set(scenarios.map((s) => s.server))) {
      const server = await startDevServer({
        binary,
        dbFile: join(dir, `${kind}.sqlite`),
        port: await freePort(),
        headless: true,
        ...(kind === 'continueAsNew'
          ? { dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_HISTORY_COUNT } }
          : {}),
      });
      servers.push(server);
      serverFor.set(kind, server.address);
      log(`dev server (${kind}) at ${server.address}`);
    }

    const recorded: { scenario: HistoryScenario; runs: { file: string; events: number; bytes: number }[] }[] = [];
    for (const scenario of scenarios) {
      log(`— ${scenario.name}`);
      const started = Date.now();
      const h = await BuildHarness.create(`hist-${scenario.name}`, {
        clones: ['builder', 'adversary', 'supervisor'],
        address: serverFor.get(scenario.server)!,
      });
      let runs: RecordedRun[];
      try {
        await h.startWorker();
        runs = await scenario.run(h, (line) => log(`  ${line}`));
      } finally {
        await h.cleanup();
      }
      const written = [];
      for (const run of runs) {
        // The same bundle must replay what it just recorded, or the scenario itself is nondeterministic.
        await Worker.runReplayHistory({ workflowBundle: { code: bundle.code } }, run.history, `record/${run.file}`);
        const json = historyToJSON(run.history);
        await writeFile(join(HISTORIES_DIR, `${run.file}.json`), `${json}\n`);
        written.push({ file: run.file, events: run.history.events?.length ?? 0, bytes: Buffer.byteLength(json) });
        log(
          `  wrote test/histories/${run.file}.json: ${run.history.events?.length ?? 0} events, ${Math.round(Buffer.byteLength(json) / 1024)} KiB`,
        );
      }
      log(`  ${((Date.now() - started) / 1000).toFixed(1)} s`);
      recorded.push({ scenario, runs: written });
    }
    await writeReadme(recorded, await gitDescription());
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`record-histories: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
