/**
 * The live dashboard in a real headless browser (Debian's `chromium`, driven by puppeteer-core):
 * this test fails without one, it never skips. Two builds run on the shared test server: a demo
 * build that completes (its p1 gate fails once, then passes), and a live one whose reviewer never
 * passes its gate, so it stays running while the page pauses and resumes it. Screenshots of every
 * view are left in test-output/dashboard/ (docs/dashboard.md shows them).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDashboard, type Dashboard } from '../../src/client/dashboard/server';
import type { TokensView } from '../../src/core/dashboard/types';
import { openTemporal, closeTemporal, type Temporal } from '../../src/client/build-handle';
import { findExecutable } from '../../src/host/find-executable';
import { BuildHarness, eventually, useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';

const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'dashboard');
const DEMO_ADVERSARY = join(process.cwd(), 'config', 'demo', 'adversary.script.toml');
/** The model the scripted agents write in their transcripts (their rules name none). */
const SCRIPTED_MODEL = 'claude-sonnet-4-5-20250929';

/** The demo's adversary with only its first rule: p1's gate fails its first review and is never passed. */
const NEVER_PASSES = `
[[on]]
match = "claim\\\\((?<gate>p1-gate)\\\\): work/p1\\\\.txt\\""
once = "{gate}"
tokens = { input = 1100, output = 250 }
do = [
  { pull = true },
  { write = "reviews/{gate}.md", text = "FAIL: {gate}: the greeting has no sign-off\\n" },
  { commit = "review({gate}): FAIL" },
  { push = true },
]
`;

/** Page code (run in the browser) that posts an action, with or without the page's token, and answers the HTTP status. */
function postAction(build: string, action: string, withToken: boolean): string {
  const token = withToken ? `document.querySelector('meta[name="steward-token"]').content` : "''";
  return `fetch(${JSON.stringify(`/api/builds/${build}/actions/${action}`)}, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(${withToken} ? { 'X-Steward-Token': ${token} } : {}) },
    body: '{}',
  }).then((r) => r.status)`;
}

describe('steward dashboard in a headless browser', () => {
  const h = useHarness('dashboard');
  let browser: Browser;
  let temporal: Temporal | undefined;
  const dashboards: Dashboard[] = [];

  beforeAll(async () => {
    const chromium = await findExecutable('chromium');
    if (!chromium) throw new Error("no chromium on PATH: install Debian's chromium package (apt-get install chromium)");
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      protocolTimeout: 60_000,
    });
    await mkdir(OUTPUT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const others: BuildHarness[] = [];

  afterEach(async () => {
    for (const page of await browser.pages()) await page.close();
    for (const d of dashboards.splice(0)) await d.close();
    for (const o of others.splice(0)) await o.cleanup();
    if (temporal) await closeTemporal(temporal);
    temporal = undefined;
  });

  async function serve(readOnly = false): Promise<Dashboard> {
    temporal ??= await openTemporal({ address: h.address, namespace: 'default' } as Temporal['settings']);
    const d = await startDashboard(temporal, {
      host: '127.0.0.1',
      port: 0,
      readOnly,
      webUi: 'http://localhost:8233',
      tmuxSocket: h.socket,
      listEveryMs: 300,
      statusEveryMs: 500,
      tailEveryMs: 100,
      modelsEveryMs: 500,
    });
    dashboards.push(d);
    return d;
  }

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(String(err)));
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    (page as Page & { problems?: string[] }).problems = problems;
    return page;
  }

  const shoot = (page: Page, name: string) =>
    page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`) as `${string}.png`, fullPage: true });

  const eventTypes = (page: Page, build: string) =>
    page.$$eval(`[data-event-type][data-build="${build}"]`, (rows) =>
      rows.map((r) => r.getAttribute('data-event-type')),
    );

  it('shows builds appear, events arrive live, every view, and pause/resume from the page', async () => {
    const dashboard = await serve();
    const page = await open(dashboard.url);
    await page.waitForSelector('[data-view="overview"]');
    await page.waitForFunction('document.body.dataset.live === "open"', { timeout: 15_000 });
    // Marks this document: a reload would lose it, so seeing it later proves nothing reloaded.
    await page.evaluate('window.marker = 42');

    const live = `${h.name}`;
    const liveScript = join(h.dir, 'never-passes.script.toml');
    await writeFile(liveScript, NEVER_PASSES);
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(live).replace(DEMO_ADVERSARY, liveScript)));
    // The demo build has a work repo and a worker of its own: two builds on one repo would read each other's claims.
    const other = await BuildHarness.create('dashdemo');
    others.push(other);
    await other.startWorker();
    const demo = other.name;
    const demoBuild = await other.start(await other.writeConfig(twoPhaseConfig(demo)));

    // The build appears on the open overview, without a reload.
    await page.waitForSelector(`[data-view="overview"] [data-build="${live}"]`, { timeout: 30_000 });
    expect((await demoBuild.handle.result()).status).toBe('completed');

    // A gate_claimed and a ping_sent reach the open feed live.
    await page.click('[data-nav="feed"]');
    await page.waitForSelector('[data-view="feed"]');
    await page.waitForSelector(`[data-view="feed"] [data-event-type="gate_claimed"][data-build="${live}"]`, {
      timeout: 30_000,
    });
    await page.waitForSelector(`[data-view="feed"] [data-event-type="ping_sent"][data-build="${live}"]`, {
      timeout: 30_000,
    });
    expect(await page.evaluate('window.marker')).toBe(42);
    await shoot(page, 'feed');

    // The overview again, with both builds: then the screenshot.
    await page.click('[data-nav="overview"]');
    await page.waitForSelector(`[data-view="overview"] [data-build="${demo}"]`);
    await shoot(page, 'overview');

    // The demo's build view: p1's gate passed after a failed round, p2's passed.
    const demoPage = await open(`${new URL(`/builds/${demo}`, dashboard.url)}`);
    await demoPage.waitForSelector('[data-view="build"] [data-gate="p1-gate"][data-stage="passed"]', {
      timeout: 15_000,
    });
    await demoPage.waitForSelector('[data-gate="p2-gate"][data-stage="passed"]');
    await shoot(demoPage, 'build');

    await demoPage.goto(`${new URL('/tokens', dashboard.url)}`);
    await demoPage.waitForSelector('[data-view="tokens"]');
    await eventually(
      async () => (await demoPage.content()).includes(demo),
      10_000,
      'the demo build in the tokens view',
    );
    // Its tokens per model, from the scripted agents' transcripts on this host.
    await demoPage.waitForSelector(`[data-view="tokens"] tr[data-key="${SCRIPTED_MODEL}"]`, { timeout: 15_000 });
    const tokens = (await demoPage.evaluate(`fetch('/api/tokens').then((r) => r.json())`)) as TokensView;
    const row = tokens.byModel.find((r) => r.key === SCRIPTED_MODEL);
    expect(row?.total).toBeGreaterThan(0);
    expect(row?.costUsd).toBeGreaterThan(0);
    await shoot(demoPage, 'tokens');

    // Pause and resume the live build from its page, and see each event arrive. A page in the
    // background gets no frames, and clicking waits for one: bring it to the front.
    await demoPage.close();
    await page.bringToFront();
    await page.goto(`${new URL(`/builds/${live}`, dashboard.url)}`);
    await page.waitForSelector('[data-view="build"] [data-action="pause"]');
    await page.waitForSelector(`[data-gate="p1-gate"]`, { timeout: 30_000 });
    await page.type('[data-input="pause-reason"]', 'lunch');
    await page.click('[data-action="pause"]');
    await page.waitForFunction(
      '[...document.querySelectorAll(".action-reply")].some((e) => /paus/i.test(e.textContent))',
      { timeout: 30_000 },
    );
    await page.waitForSelector(`[data-event-type="paused"][data-build="${live}"]`, { timeout: 15_000 });
    // The build's status says paused: the page offers resume in place of pause.
    await page.waitForSelector('[data-action="resume"]', { timeout: 15_000 });
    await page.click('[data-action="resume"]');
    await page.waitForSelector(`[data-event-type="resumed"][data-build="${live}"]`, { timeout: 15_000 });
    await page.waitForSelector('[data-action="pause"]', { timeout: 15_000 });
    expect(await eventTypes(page, live)).toEqual(expect.arrayContaining(['paused', 'resumed', 'gate_failed']));
    await shoot(page, 'build-live');

    // The same request without the page's token is refused, and the build is not paused by it.
    expect(await page.evaluate(postAction(live, 'pause', false))).toBe(403);
    expect((page as Page & { problems?: string[] }).problems).toEqual([]);

    // The agent view: its pane's last lines (this dashboard reads the live build's tmux server).
    await page.goto(`${new URL(`/builds/${live}/agents/builder`, dashboard.url)}`);
    await page.waitForSelector('[data-view="agent"] pre.pane');
    const pane = await page.$eval('[data-view="agent"] pre.pane', (e) => e.textContent ?? '');
    expect(pane.trim()).not.toBe('');
    await page.type('[data-input="nudge-text"]', 'Pull main and rerun the tests.');
    await page.click('[data-action="nudge"]');
    await page.waitForSelector(`[data-view="agent"] [data-event-type="agent_nudged"][data-build="${live}"]`, {
      timeout: 30_000,
    });
    await eventually(
      async () => (await page.$eval('[data-view="agent"] pre.pane', (e) => e.textContent ?? '')).includes('Pull main'),
      15_000,
      'the nudge on the pane',
    );
    await shoot(page, 'agent');
    await handle.terminate('test done');
  });

  it('--read-only: no action controls on any view, and actions are refused', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    const dashboard = await serve(true);
    const page = await open(`${new URL(`/builds/${h.name}`, dashboard.url)}`);
    await page.waitForSelector('[data-view="build"]');
    await eventually(async () => (await page.$$('[data-gate]')).length > 0, 30_000, 'a gate on the page');
    expect(await page.$$('[data-action]')).toEqual([]);
    await page.goto(`${new URL(`/builds/${h.name}/agents/builder`, dashboard.url)}`);
    await page.waitForSelector('[data-view="agent"]');
    expect(await page.$$('[data-action]')).toEqual([]);
    expect(await page.evaluate(postAction(h.name, 'resume', true))).toBe(403);
    await handle.result();
  });
});
