import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { prepareClaudeConfigDir } from '../../src/agent/claude-config-dir';
import { CLAUDE_CODE_VERSION, claudeVersion, resolveClaudeBinary } from '../../src/client/claude-binary';
import type { DoctorLine } from '../../src/core/doctor';
import { activityQueueFor } from '../../src/workflows/definitions';
import { steward, CliRun } from '../helpers/cli';
import { freePort } from '../helpers/free-port';
import { eventually, useHarness } from '../helpers/harness';
import { agentTable, loopTable } from '../helpers/configs';

/**
 * `steward doctor` driven through the real binary on a real workspace: a work repo with its origin
 * and clones, the real Claude Code (the pinned release) as the agents' CLI with a prepared
 * CLAUDE_CONFIG_DIR, the agents' private tmux server, the test's Temporal server and a worker for
 * the host. Nothing skips: no Claude Code or no Temporal fails the test.
 */

const STEWARD_BIN = resolve(__dirname, '..', '..', 'bin');
const IS_ROOT = process.getuid?.() === 0;

let bin: string;
let configDir: string;
const h = useHarness('doctor', { per: 'block', clones: ['builder', 'reviewer', 'stranger', 'supervisor'] });

beforeAll(async () => {
  bin = await resolveClaudeBinary({ version: CLAUDE_CODE_VERSION, report: (l) => process.stderr.write(`${l}\n`) });
  expect(await claudeVersion(bin)).toBe(CLAUDE_CODE_VERSION);
  configDir = join(h.dir, 'claude-config');
  // Trusts the two agents' clones, not `stranger`.
  await prepareClaudeConfigDir({ dir: configDir, trustedFolders: [join(h.dir, 'builder'), join(h.dir, 'reviewer')] });
  await writeFile(join(configDir, 'settings.json'), JSON.stringify({ skipDangerousModePermissionPrompt: true }));
  // The worker's first polls have reached the server.
  await eventually(
    async () => {
      const queue = await h.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: activityQueueFor(h.hostId), kind: 1 },
        taskQueueType: 2,
      });
      return (queue.pollers ?? []).length > 0;
    },
    30_000,
    'the worker polling',
  );
}, 600_000);

interface Agent {
  name: string;
  cwd: string;
}

/** Writes a config: a `claude` backend on the real binary, in bypass mode, and the agents given. */
async function writeConfig(
  opts: { agents?: Agent[]; env?: Record<string, string>; extra?: string; file?: string } = {},
): Promise<string> {
  const agents = opts.agents ?? [
    { name: 'builder', cwd: 'builder' },
    { name: 'reviewer', cwd: 'reviewer' },
  ];
  const env = opts.env ?? { CLAUDE_CONFIG_DIR: configDir, IS_SANDBOX: '1' };
  const file = opts.file ?? `agents-${randomBytes(3).toString('hex')}.toml`;
  return h.writeConfig(
    `
name = "${h.name}"
session_prefix = "${h.name}-"

[backend.claude]
command = ${JSON.stringify(bin)}
args = ["--dangerously-skip-permissions"]
env = { ${Object.entries(env)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join(', ')} }
${opts.extra ?? ''}
${agents.map((a) => agentTable({ ...a, kickoff: `You are ${a.name}.` })).join('\n')}
${loopTable([{ id: 'p1' }])}`,
    file,
  );
}

/** Runs `steward doctor` as the host's worker would see things: its host id and tmux socket. */
function doctor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return steward(['doctor', ...args], {
    env: { STEWARD_HOST_ID: h.hostId, STEWARD_TMUX_SOCKET: h.socket, ...env },
    timeoutMs: 120_000,
  });
}

const lines = (r: CliRun) => r.stdout.split('\n').filter((l) => l !== '');
const failures = (r: CliRun) => lines(r).filter((l) => l.startsWith('FAIL '));

describe('steward doctor', () => {
  it('a host with everything in place: every check ok, exit 0; --json says the same', async () => {
    const config = await writeConfig();
    const r = await doctor([config]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const out = lines(r);
    expect(out[0]).toBe(`steward doctor: build ${h.name} (${config}) on host ${h.hostId}`);
    expect(out.slice(1, -1).filter((l) => !l.startsWith('ok   '))).toEqual([]);
    // Each expected line, and the ones missing named in full (an arrayContaining diff is cut short).
    const expected: (string | RegExp)[] = [
      /^ok {3}tmux: tmux \d+\.\d+\S* \(3\.2 or later needed\) \(socket steward-test-/,
      `ok   backend claude: Claude Code ${CLAUDE_CODE_VERSION} at ${bin} (the release Steward is tested against)`,
      `ok   backend claude: Claude config ${configDir}/.claude.json: first-run setup done`,
      `ok   backend claude: hook command "$STEWARD_BIN/steward" hook resolves in a fresh tmux pane (${STEWARD_BIN}/steward)`,
      `ok   backend claude: --dangerously-skip-permissions: the bypass warning is accepted in ${configDir}/settings.json`,
      `ok   agent builder: cwd ${h.dir}/builder is a directory`,
      `ok   agent builder: git repo ${h.dir}/builder, origin ${h.dir}/origin.git`,
      `ok   agent builder: ${h.dir}/builder is trusted in ${configDir}/.claude.json`,
      `ok   agent reviewer: ${h.dir}/reviewer is trusted in ${configDir}/.claude.json`,
      `ok   loop repo: ${h.dir}/supervisor: git clone of ${h.dir}/origin.git`,
      `ok   origin ${h.dir}/origin.git: reachable (1 branch, main; used by loop repo, agent builder, agent reviewer)`,
      /^ok {3}Temporal 127\.0\.0\.1:\d+: reachable, namespace default$/,
      /^ok {3}Temporal 127\.0\.0\.1:\d+: Steward's search attributes are registered$/,
      // Other test files' workers poll the shared workflow queue too (a stopped one stays listed for
      // a while): one poller or several, each by its identity.
      /^ok {3}worker steward: polled by .+ \(for the build workflows \(any host\)\)$/,
      new RegExp(`^ok {3}worker steward@${h.hostId}: polled by .+ \\(for host ${h.hostId}'s agents\\)$`),
    ];
    const missing = expected.filter((want) => !out.some((l) => (typeof want === 'string' ? l === want : want.test(l))));
    expect({ missing, out: missing.length ? out : [] }).toEqual({ missing: [], out: [] });
    if (IS_ROOT)
      expect(out).toContain(
        'ok   backend claude: root with --dangerously-skip-permissions: IS_SANDBOX=1 (from the backend env)',
      );
    expect(out.at(-1)).toMatch(/^\d+ ok, 0 warnings, 0 failed: ready for a build$/);

    const json = await doctor([config, '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      ok: boolean;
      host: string;
      summary: { fail: number; warn: number };
      checks: DoctorLine[];
    };
    expect(parsed).toMatchObject({ ok: true, host: h.hostId, summary: { fail: 0, warn: 0 } });
    expect(parsed.checks.map((c) => c.level)).toEqual(parsed.checks.map(() => 'ok'));
    expect(parsed.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'tmux',
        'agent-cli',
        'hook',
        'bypass',
        'cwd',
        'git',
        'trust',
        'origin',
        'temporal',
        'worker',
      ]),
    );
  });

  it("an agent's cwd missing: exit 1, naming the agent and the path", async () => {
    const config = await writeConfig({
      agents: [
        { name: 'builder', cwd: 'builder' },
        { name: 'reviewer', cwd: 'gone' },
      ],
    });
    const r = await doctor([config]);
    expect(r.code).toBe(1);
    expect(failures(r)).toEqual([
      `FAIL agent reviewer: cwd ${h.dir}/gone is not a directory — fix: clone the work repo there (git clone <origin> ${h.dir}/gone), or fix the agent's cwd in ${config}`,
    ]);
    expect(lines(r).at(-1)).toMatch(/, 1 failed: not ready: fix the FAIL line above$/);
  });

  it('an untrusted cwd: exit 1 naming trust_workdir; with trust_workdir = true only a warning, exit 0', async () => {
    const agents = [
      { name: 'builder', cwd: 'builder' },
      { name: 'outsider', cwd: 'stranger' },
    ];
    const r = await doctor([await writeConfig({ agents })]);
    expect(r.code).toBe(1);
    expect(failures(r)).toEqual([
      `FAIL agent outsider: ${h.dir}/stranger is not trusted in ${configDir}/.claude.json: Claude Code would open its trust dialog, and nothing answers it — fix: start \`claude\` in ${h.dir}/stranger once (with the backend's CLAUDE_CONFIG_DIR) and trust the folder, or set [backend.claude] trust_workdir = true`,
    ]);

    const answered = await doctor([await writeConfig({ agents, extra: 'trust_workdir = true' })]);
    expect(answered.code).toBe(0);
    expect(lines(answered).filter((l) => l.startsWith('warn '))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warn agent outsider: ${h.dir}/stranger is not trusted in .*; trust_workdir answers the trust dialog at each start — fix: `,
        ),
      ),
    ]);
    expect(failures(answered)).toEqual([]);
  });

  it('Temporal unreachable: exit 1 naming the address, no worker lines, within the connect timeout', async () => {
    const port = await freePort();
    const r = await doctor([await writeConfig()], { TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(failures(r)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^FAIL Temporal 127\\.0\\.0\\.1:${port}: not reachable \\(namespace default\\): .* — fix: start \`steward dev-server\``,
        ),
      ),
    ]);
    expect(lines(r).filter((l) => l.includes(' worker '))).toEqual([]);
    expect(r.ms).toBeLessThan(30_000);
  });

  it("no worker polls the host's queue: exit 1 naming the queue and the host id to start one with", async () => {
    const lonely = `doctor-nobody-${randomBytes(3).toString('hex')}`;
    const r = await doctor([await writeConfig()], { STEWARD_HOST_ID: lonely });
    expect(r.code).toBe(1);
    expect(failures(r)).toEqual([
      `FAIL worker steward@${lonely}: no worker polls it for host ${lonely}'s agents — fix: start \`steward worker\` with STEWARD_HOST_ID=${lonely} and the same TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE, or run the build with \`steward up\` (then check with \`steward doctor --for-up\`)`,
    ]);
    // The workflow queue is served by the harness's worker all the same.
    expect(lines(r)).toContainEqual(expect.stringMatching(/^ok {3}worker steward: polled by /));

    const forUp = await doctor([await writeConfig(), '--for-up'], { STEWARD_HOST_ID: lonely });
    expect(forUp.code).toBe(0);
    expect(lines(forUp)).toContain(`skip worker steward@${lonely}: \`steward up\` runs its own worker for it`);
  });

  it(
    IS_ROOT
      ? "as root, bypass mode without IS_SANDBOX=1 in the agent's environment: exit 1"
      : 'not root: no IS_SANDBOX check',
    async () => {
      // A pane gets the tmux server's environment: a server started now, by this doctor run, has IS_SANDBOX=yes.
      await h.tmux.killServer();
      const r = await doctor([await writeConfig({ env: { CLAUDE_CONFIG_DIR: configDir } })], { IS_SANDBOX: 'yes' });
      if (IS_ROOT) {
        expect(r.code).toBe(1);
        expect(failures(r)).toEqual([
          'FAIL backend claude: agents run as root with --dangerously-skip-permissions and IS_SANDBOX=yes (only "1" counts): Claude Code exits with "cannot be used with root/sudo privileges" — fix: add IS_SANDBOX = "1" to [backend.claude] env (on a machine that is a sandbox), or run the worker as another user',
        ]);
      } else {
        expect(r.code).toBe(0);
        expect(lines(r).filter((l) => l.includes('IS_SANDBOX'))).toEqual([]);
      }
    },
  );

  it("the hook command does not run in the agent's pane (no node on its PATH): exit 1 naming node", async () => {
    const r = await doctor([
      await writeConfig({ env: { CLAUDE_CONFIG_DIR: configDir, IS_SANDBOX: '1', PATH: '/nonexistent-doctor' } }),
    ]);
    expect(r.code).toBe(1);
    // env(1) quotes the name by locale ('node' or ‘node’).
    expect(failures(r)).toEqual([
      expect.stringMatching(
        /^FAIL backend claude: "\$STEWARD_BIN\/steward" hook exits 127 in a fresh tmux pane: \/usr\/bin\/env: .node.: No such file or directory — fix: put `node` \(20 or later\) on the worker's PATH/,
      ),
    ]);
  });

  it('a config that does not load is a usage error (exit 2), before any check', async () => {
    const dir = join(h.dir, 'bad');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'agents.toml');
    await writeFile(file, 'name = "x"\n[[agent]]\nname = "a b"\n');
    const r = await doctor([file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.errLines[0]).toMatch(/^steward: /);
  });
});
