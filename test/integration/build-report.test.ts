import { execFile } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { stopSignal } from '../../src/workflows/definitions';
import { readEventLog } from '../../src/host/event-log-reader';
import { findExecutable } from '../../src/host/find-executable';

const run = promisify(execFile);

/** Where the test leaves what a person may want to look at: the report's screenshot. */
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'build-report');

/**
 * The report a build writes into its state dir when it ends: the demo's two phases, p1's gate
 * failed once and passed in its second round. The HTML is opened in a real headless browser
 * (Debian's `chromium`): this test fails without one, it never skips.
 */
describe('the report a build writes when it ends', () => {
  const h = useHarness('build-report');

  it('a completed build: report.md shows 2 rounds for p1-gate; report.html renders in chromium', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    expect((await handle.result()).status).toBe('completed');

    const stateDir = join(h.dir, '.steward', h.name);
    const { events } = await readEventLog(join(stateDir, 'events.jsonl'));
    const gateEvents = events
      .filter((e) => e.gate === 'p1-gate' && e.type.startsWith('gate_'))
      .map((e) => [e.type, e.attempt, e.verdict]);
    expect(gateEvents).toEqual([
      ['gate_claimed', 1, undefined],
      ['gate_reviewed', 1, 'fail'],
      ['gate_failed', 1, undefined],
      ['gate_claimed', 2, undefined],
      ['gate_reviewed', 2, 'pass'],
      ['gate_passed', 2, undefined],
    ]);

    const markdown = await readFile(join(stateDir, 'report.md'), 'utf8');
    expect(markdown).toContain(`# Build report: ${h.name}`);
    expect(markdown).toMatch(/\| Status \| completed \|/);
    expect(markdown).toMatch(/\| Quality \(passed on first review\) \| 50\.0% \(1 of 2\) \|/);
    // The gates table: p1-gate passed in 2 rounds, p2-gate in 1.
    const row = (gate: string) =>
      markdown
        .split('\n')
        .find((l) => l.startsWith(`| ${gate} |`))
        ?.split(' | ');
    expect(row('p1-gate')?.slice(0, 5)).toEqual(['| p1-gate', 'p1', 'builder', 'adversary', 'passed']);
    expect(row('p1-gate')?.[8]).toBe('2');
    expect(row('p2-gate')?.[8]).toBe('1');

    const htmlFile = join(stateDir, 'report.html');
    const chromium = await findExecutable('chromium');
    if (!chromium) throw new Error("no chromium on PATH: install Debian's chromium package (apt-get install chromium)");
    const browser = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars'];
    // The DOM the browser built from the file: the page parsed as HTML, with the gate table in it.
    const dom = (await run(chromium, [...browser, '--dump-dom', `file://${htmlFile}`], { maxBuffer: 16 << 20 })).stdout;
    expect(dom).toContain('p1-gate');
    expect(dom).toMatch(/<svg[^>]*>/);
    await mkdir(OUTPUT_DIR, { recursive: true });
    const screenshot = join(OUTPUT_DIR, 'report.png');
    await run(chromium, [...browser, '--window-size=1280,1800', `--screenshot=${screenshot}`, `file://${htmlFile}`]);
    const png = await readFile(screenshot);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
  });

  it('a stopped build writes its report too, with status stopped', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    await eventually(
      async () => {
        const { events } = await readEventLog(join(h.dir, '.steward', h.name, 'events.jsonl'));
        return events.some((e) => e.type === 'gate_claimed');
      },
      60_000,
      'a claim',
    );
    await handle.signal(stopSignal, 'enough');
    expect((await handle.result()).status).toBe('stopped');
    const markdown = await readFile(join(h.dir, '.steward', h.name, 'report.md'), 'utf8');
    expect(markdown).toMatch(/\| Status \| stopped \|/);
  });
});
