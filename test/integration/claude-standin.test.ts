import { mkdtemp, readFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../../src/host/run-program';
import { prepareClaudeConfigDir } from '../../src/agent/claude-config-dir';
import { ModelStandin, startModelStandin } from '../../src/agent/model-standin';
import { projectSlug } from '../../src/agent/transcript-writer';
import { CLAUDE_CODE_VERSION, claudeVersion, resolveClaudeBinary } from '../../src/client/claude-binary';

/**
 * The real Claude Code (the pinned release, installed into the cache on first use) in print mode
 * against the model stand-in. Nothing here skips: no CLI or no server fails the test.
 */

const API_KEY = 'sk-ant-api03-standin-test-0123456789abcdefghij';

const SCRIPT = `
[[on]]
match = "claim (?<gate>[a-z0-9-]+)"
once = "{gate}"
reply = [ { text = "Claiming {gate}." }, { bash = "git commit --allow-empty -m 'claim({gate})'", description = "Commit the claim" } ]
usage = { input = 1200, output = 80, cache_read = 300, cache_creation = 40 }

[[on]]
tool_result = "claim\\\\((?<gate>[a-z0-9-]+)\\\\)"
reply = [ { text = "Claimed {gate}." } ]
usage = { input = 1500, output = 30, cache_read = 1300, cache_creation = 0 }
`;

interface PrintResult {
  is_error: boolean;
  result: string;
  session_id: string;
  num_turns: number;
  api_error_status: number | null;
}

interface TranscriptLine {
  type?: string;
  isApiErrorMessage?: boolean;
  apiErrorStatus?: number;
  message?: { id?: string; model?: string; usage?: Record<string, unknown> };
}

let bin: string;
const standins: ModelStandin[] = [];

beforeAll(async () => {
  bin = await resolveClaudeBinary({
    version: CLAUDE_CODE_VERSION,
    report: (line) => process.stderr.write(`${line}\n`),
  });
  expect(await claudeVersion(bin)).toBe(CLAUDE_CODE_VERSION);
}, 600_000);

afterEach(async () => {
  await Promise.all(standins.splice(0).map((s) => s.close()));
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await runProgram('git', args, { cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A repo, a config dir trusting it, and a stand-in; `ask` runs one print-mode turn. */
async function setup(auth: 'api-key' | 'subscription' = 'api-key') {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'claude-standin-')));
  const repo = join(root, 'repo');
  await git(root, 'init', '-q', '-b', 'main', repo);
  await git(repo, 'config', 'user.name', 'Agent');
  await git(repo, 'config', 'user.email', 'agent@example.invalid');
  await git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
  const configDir = join(root, 'claude');
  const { env: configEnv } = await prepareClaudeConfigDir({ dir: configDir, apiKey: API_KEY, trustedFolders: [repo] });
  const standin = await startModelStandin({ script: SCRIPT, logFile: join(root, 'standin.jsonl') });
  standins.push(standin);
  const env = {
    PATH: process.env.PATH,
    HOME: join(root, 'home'),
    ...configEnv,
    ANTHROPIC_BASE_URL: standin.url,
    // An OAuth token makes Claude Code a plan subscriber: it then reads the unified rate-limit headers.
    ...(auth === 'api-key' ? { ANTHROPIC_API_KEY: API_KEY } : { CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-standin' }),
    // --dangerously-skip-permissions is refused as root outside a sandbox.
    IS_SANDBOX: '1',
    // Each 429/529/broken stream is otherwise retried 10 times with backoff.
    CLAUDE_CODE_MAX_RETRIES: '0',
    // No telemetry or update checks: only model calls reach the stand-in.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  const ask = async (prompt: string): Promise<PrintResult> => {
    // stdin is closed at once: with an open pipe `claude -p` waits about 3 s for more prompt text.
    const r = await runProgram(bin, ['-p', prompt, '--output-format', 'json', '--dangerously-skip-permissions'], {
      cwd: repo,
      env,
      timeoutMs: 60_000,
      input: '',
    });
    try {
      return JSON.parse(r.stdout) as PrintResult;
    } catch {
      throw new Error(`claude exited ${r.code} without a JSON result: ${r.stdout}${r.stderr}`);
    }
  };
  const transcript = async (sessionId: string): Promise<TranscriptLine[]> => {
    const file = join(configDir, 'projects', projectSlug(repo), `${sessionId}.jsonl`);
    return (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TranscriptLine);
  };
  return { repo, standin, ask, transcript };
}

const usageFields = (u: Record<string, unknown> | undefined) => ({
  input_tokens: u?.input_tokens,
  output_tokens: u?.output_tokens,
  cache_read_input_tokens: u?.cache_read_input_tokens,
  cache_creation_input_tokens: u?.cache_creation_input_tokens,
});

describe(`Claude Code ${CLAUDE_CODE_VERSION} against the model stand-in`, () => {
  it('runs a scripted Bash claim, ends the turn, and writes exactly the stand-in usage to its transcript', async () => {
    const { repo, standin, ask, transcript } = await setup();
    const result = await ask('Please claim p1-gate now.');
    expect(result).toMatchObject({ is_error: false, result: 'Claimed p1-gate.', num_turns: 2 });
    expect(await git(repo, 'log', '--format=%s')).toBe('claim(p1-gate)\ninit\n');

    const main = standin.requests().filter((r) => r.main);
    expect(main.map((r) => [r.rule, r.status])).toEqual([
      [0, 200],
      [1, 200],
    ]);
    const logged = Object.fromEntries(
      main.map((r) => [
        r.id,
        {
          input_tokens: r.usage?.input,
          output_tokens: r.usage?.output,
          cache_read_input_tokens: r.usage?.cache_read,
          cache_creation_input_tokens: r.usage?.cache_creation,
        },
      ]),
    );
    // Claude Code writes one assistant line per content block, each with the message's final usage.
    const assistant = (await transcript(result.session_id)).filter((l) => l.type === 'assistant');
    expect(assistant).toHaveLength(3);
    for (const line of assistant) expect(usageFields(line.message?.usage)).toEqual(logged[line.message?.id ?? '']);
    expect(new Set(assistant.map((l) => l.message?.id))).toEqual(new Set(Object.keys(logged)));
  });

  it.each([
    ['429', 429, /^API Error: Request rejected \(429\) · This request would exceed your rate limit/],
    ['529', 529, /^API Error: 529 Overloaded\./],
  ] as const)('ends the turn with an API error record on a %s', async (fail, status, text) => {
    const { standin, ask, transcript } = await setup();
    standin.setMode({ fail });
    const result = await ask('Please claim p1-gate now.');
    expect(result).toMatchObject({ is_error: true, api_error_status: status });
    expect(result.result).toMatch(text);
    expect(
      standin
        .requests()
        .filter((r) => r.main)
        .map((r) => r.status),
    ).toEqual([status]);
    const errors = (await transcript(result.session_id)).filter((l) => l.isApiErrorMessage);
    expect(errors.map((l) => [l.apiErrorStatus, l.message?.model])).toEqual([[status, '<synthetic>']]);
  });

  it('shows a plan subscriber the reset from the unified rate-limit headers', async () => {
    const { standin, ask } = await setup('subscription');
    standin.setMode({ fail: '429-subscription', reset_in_s: 2 * 3600 });
    const result = await ask('Please claim p1-gate now.');
    expect(result).toMatchObject({ is_error: true, api_error_status: 429 });
    expect(result.result).toMatch(/^You've hit your 5-hour limit · resets \d{1,2}(:\d\d)?[ap]m \(.+\)$/);
  });

  it('gives up on a stream cut off mid-message instead of hanging', async () => {
    const { standin, ask } = await setup();
    standin.setMode({ fail: 'broken' });
    const started = Date.now();
    const result = await ask('Please claim p1-gate now.');
    expect(result.is_error).toBe(true);
    expect(result.result).toMatch(/^API Error: Connection to the API was lost \(ECONNRESET\)/);
    expect(Date.now() - started).toBeLessThan(30_000);
    // Even with no retries, a stream that dies mid-message is tried once more without streaming.
    expect(
      standin
        .requests()
        .filter((r) => r.main)
        .map((r) => [r.stream, r.fail]),
    ).toEqual([
      [true, 'broken'],
      [false, 'broken'],
    ]);
  });
});
