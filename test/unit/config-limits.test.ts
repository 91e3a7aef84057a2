import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { gitRootOf, loadConfigFile } from '../../src/host/config-file';
import {
  capText,
  MAX_AGENTS,
  MAX_CONFIG_FILE_BYTES,
  MAX_KICKOFF_BYTES,
  MAX_PHASES,
  MAX_RESOLVED_CONFIG_BYTES,
  MAX_SERVICES,
  utf8Bytes,
} from '../../src/core/config/limits';
import type { ConfigContext, ConfigResult } from '../../src/core/config/schema';
import { renderConfigToml } from '../../src/core/config/render';
import { parseConfigText } from '../../src/core/config/schema';
import { initialBuildState } from '../../src/core/initial-state';
import { RECENT_EVENTS } from '../../src/core/state/build';
import { registerStartBuild } from '../../src/client/commands/build';

const CTX: ConfigContext = { source: '/home/operator/snakepit/agents.toml', baseDir: '/home/operator/snakepit' };

function problems(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`));
}

/** A realistic config with `agents` agents, `services` services and `phases` phases (ids and paths of usual length). */
function sized(agents: number, services: number, phases: number, extra = ''): string {
  const parts = ['name = "snakepit-production"', '[defaults]', 'cwd = "/home/operator/projects/snakepit/workers/pit"'];
  for (let i = 0; i < agents; i++)
    parts.push('[[agent]]', `name = "worker-${i}"`, 'kind = "persistent"', 'wake = { interval = "1h" }');
  for (let i = 0; i < services; i++)
    parts.push('[[service]]', `name = "service-${i}"`, 'command = ["python3", "-m", "http.server", "8000"]');
  parts.push('[loop]', 'repo = "/home/operator/projects/snakepit/supervisor"');
  parts.push(`phases = [${Array.from({ length: phases }, (_, i) => `{ id = "phase-${i}" }`).join(', ')}]`);
  return `${parts.join('\n')}\n${extra}`;
}

describe('config size limits', () => {
  it('a build at every count limit at once resolves to well under the JSON limit, and its continue-as-new input under 512 KiB', () => {
    const result = parseConfigText(sized(MAX_AGENTS, MAX_SERVICES, MAX_PHASES), CTX);
    if (!result.ok) throw new Error(problems(result).join('\n'));
    const configBytes = utf8Bytes(JSON.stringify(result.config));
    expect(configBytes).toBeLessThan(MAX_RESOLVED_CONFIG_BYTES * 0.6);
    // The worst case Temporal sees: continue-as-new carries the config twice (input and state),
    // here at the JSON limit, with a full event buffer.
    const state = initialBuildState({
      buildId: 'build/snakepit-production',
      hostId: 'host-1',
      config: result.config,
      configHash: 'f'.repeat(64),
      now: 0,
      sessionIds: Object.fromEntries(result.config.agents.map((a) => [a.name, '11111111-1111-4111-8111-111111111111'])),
    });
    state.events = Array.from({ length: RECENT_EVENTS }, (_, seq) => ({
      seq,
      at: 1.7e12,
      type: 'ping_sent' as const,
      agent: 'worker-1',
      message: 'x'.repeat(200),
    }));
    const stateBytes = utf8Bytes(JSON.stringify({ ...state, config: undefined }));
    expect(2 * MAX_RESOLVED_CONFIG_BYTES + stateBytes).toBeLessThan(512 * 1024);
  });

  it('refuses more agents, services or phases than the limit, at the first entry past it', () => {
    expect(problems(parseConfigText(sized(MAX_AGENTS + 1, MAX_SERVICES + 2, MAX_PHASES + 3), CTX))).toEqual([
      `agent[${MAX_AGENTS}]: ${MAX_AGENTS + 1} agents, over the limit of ${MAX_AGENTS} per build`,
      `service[${MAX_SERVICES}]: ${MAX_SERVICES + 2} services, over the limit of ${MAX_SERVICES} per build`,
      `loop.phases[${MAX_PHASES}]: ${MAX_PHASES + 3} phases, over the limit of ${MAX_PHASES} per build`,
    ]);
  });

  it('a 10,000-agent config is refused (by the file size before anything is parsed)', () => {
    const text = sized(10_000, 0, 1);
    expect(problems(parseConfigText(text, CTX))).toEqual([
      `the file is ${utf8Bytes(text)} bytes, over the ${MAX_CONFIG_FILE_BYTES}-byte limit`,
    ]);
    // Written compactly, it fits the file limit and is refused for its count.
    const compact = `agent = [${Array.from({ length: 10_000 }, (_, i) => `{name="a${i}"}`).join(',')}]\n`.slice(
      0,
      MAX_CONFIG_FILE_BYTES - 200,
    );
    const cut = `${compact.slice(0, compact.lastIndexOf('},') + 1)}]\n`;
    expect(problems(parseConfigText(cut, CTX))[0]).toMatch(
      new RegExp(`^agent\\[${MAX_AGENTS}\\]: \\d+ agents, over the limit of ${MAX_AGENTS} per build$`),
    );
  });

  // One at a time: together they would also be over the resolved-config limit.
  const big = 'x'.repeat(70_000);
  it.each([
    [
      '[[agent]]\nname = "a0"\n[[agent]]\nname = "a1"\n[[agent]]\nname = "a2"\n[[agent]]\nname = "a3"\nkickoff = "BIG"\n',
      9,
      'agent[3].kickoff',
    ],
    ['[defaults]\nkickoff = "BIG"\n[[agent]]\nname = "a"\n', 2, 'defaults.kickoff'],
    ['[defaults]\nwake = { message = "BIG" }\n', 2, 'defaults.wake.message'],
    ['[[agent]]\nname = "a"\n\n[agent.wake]\nmessage = """BIG"""\n', 5, 'agent[0].wake.message'],
    [
      '[loop]\nrepo = "w"\nphases = [\n  { id = "p1" },\n  { id = "p2", kickoff = "BIG" },\n]\n',
      5,
      'loop.phases[1].kickoff',
    ],
  ])('names an over-long text by its TOML path and line: %#', (text, line, at) => {
    const result = parseConfigText(text.replace('BIG', big), CTX);
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: at, line, message: '70000 bytes, over the 65536-byte limit' }],
    });
  });

  it('counts UTF-8 bytes, not characters', () => {
    const at = (text: string) => parseConfigText(`[[agent]]\nname = "a"\nkickoff = "${text}"\n`, CTX);
    expect(at('é'.repeat(MAX_KICKOFF_BYTES / 2)).ok).toBe(true);
    expect(problems(at('é'.repeat(MAX_KICKOFF_BYTES / 2 + 1)))).toEqual([
      `agent[0].kickoff: ${MAX_KICKOFF_BYTES + 2} bytes, over the 65536-byte limit`,
    ]);
  });

  it('kickoff files: one read and too big, and one the loader measured but did not read', () => {
    const text =
      '[[agent]]\nname = "a"\nkickoff_file = "a.md"\n[[agent]]\nname = "b"\nkickoff_file = "prompts/huge.md"\n';
    const result = parseConfigText(text, {
      ...CTX,
      kickoffFiles: { '/home/operator/snakepit/a.md': 'y'.repeat(MAX_KICKOFF_BYTES + 1) },
      oversizeKickoffFiles: { '/home/operator/snakepit/prompts/huge.md': 52_428_800 },
    });
    expect(problems(result)).toEqual([
      'agent[0].kickoff_file: a.md is 65537 bytes, over the 65536-byte limit',
      'agent[1].kickoff_file: prompts/huge.md is 52428800 bytes, over the 65536-byte limit',
    ]);
  });

  it('texts within their limits that add up past the resolved-config limit are refused as a whole', () => {
    const agents = Array.from({ length: 3 }, (_, i) => `[[agent]]\nname = "a${i}"\n`).join('');
    const text = `[defaults]\nkickoff = "${'k'.repeat(60_000)}"\n${agents}`;
    const [problem] = problems(parseConfigText(text, CTX));
    expect(problem).toMatch(
      new RegExp(
        `^the resolved config \\(\`steward config show --json\`\\) is \\d+ bytes, over the ${MAX_RESOLVED_CONFIG_BYTES}-byte limit; ` +
          'the largest part is agent with 18\\d{4} bytes \\(\\[defaults\\] texts count once per agent\\)$',
      ),
    );
  });

  it('`config show` of a config near the JSON limit loads back: the file limit leaves room for inlined and repeated texts', () => {
    const kickoff = 'k "quoted"\n'.repeat(4_400); // 48 KB, 62 KB once escaped, in each of two agents
    const text = `[defaults]\nkickoff_file = "k.md"\n[[agent]]\nname = "a"\n[[agent]]\nname = "b"\n`;
    const result = parseConfigText(text, { ...CTX, kickoffFiles: { '/home/operator/snakepit/k.md': kickoff } });
    if (!result.ok) throw new Error(problems(result).join('\n'));
    expect(utf8Bytes(JSON.stringify(result.config))).toBeGreaterThan(MAX_RESOLVED_CONFIG_BYTES * 0.9);
    const shown = renderConfigToml(result.config);
    expect(utf8Bytes(shown)).toBeLessThanOrEqual(MAX_CONFIG_FILE_BYTES);
    const again = parseConfigText(shown, CTX);
    expect(again.ok && again.config.agents).toEqual(result.config.agents);
  });

  it('a text at its limit, in a config under the JSON limit, loads', () => {
    const text = `[[agent]]\nname = "a"\nkickoff = "${'k'.repeat(MAX_KICKOFF_BYTES)}"\n`;
    expect(parseConfigText(text, CTX).ok).toBe(true);
  });
});

describe('config size limits, from disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'steward-limits-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a 50 MB kickoff file is measured, not read, and named with its line', async () => {
    mkdirSync(path.join(dir, 'prompts'));
    const huge = path.join(dir, 'prompts', 'builder.md');
    writeFileSync(huge, '');
    truncateSync(huge, 50 * 1024 * 1024);
    const file = path.join(dir, 'agents.toml');
    writeFileSync(file, 'name = "big"\n[[agent]]\nname = "builder"\nkickoff_file = "prompts/builder.md"\n');
    const result = await loadConfigFile(file);
    expect(result).toMatchObject({
      ok: false,
      issues: [
        {
          path: 'agent[0].kickoff_file',
          line: 4,
          message: 'prompts/builder.md is 52428800 bytes, over the 65536-byte limit',
        },
      ],
    });
  });

  it('a config file over the limit is refused without being read', async () => {
    const file = path.join(dir, 'agents.toml');
    writeFileSync(file, '');
    truncateSync(file, 1024 * 1024 * 1024); // 1 GB of zeros: reading it as a string would throw
    expect(await loadConfigFile(file)).toEqual({
      ok: false,
      issues: [{ path: '', message: `the file is 1073741824 bytes, over the ${MAX_CONFIG_FILE_BYTES}-byte limit` }],
      warnings: [],
    });
  });

  it('start-build refuses a config over the limits with the same message, before contacting Temporal', async () => {
    const file = path.join(dir, 'agents.toml');
    writeFileSync(
      file,
      `name = "big"\n[[agent]]\nname = "a"\n[[agent]]\nname = "b"\n[[agent]]\nname = "c"\n[[agent]]\nname = "d"\nkickoff = "${'x'.repeat(70_000)}"\n`,
    );
    const program = new Command('start-build').exitOverride();
    registerStartBuild(program);
    // Nothing listens there: had start-build connected first, it would fail with "cannot reach Temporal".
    const saved = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
    try {
      await expect(program.parseAsync(['start-build', file], { from: 'user' })).rejects.toThrow(
        new Error(`${file}:10: agent[3].kickoff: 70000 bytes, over the 65536-byte limit`),
      );
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = saved;
    }
  });
});

describe('capText', () => {
  it('keeps text within the limit and cuts longer text with a visible mark, within the limit', () => {
    expect(capText('short', 10)).toBe('short');
    const cut = capText('a'.repeat(10_000), 1024);
    expect(cut.endsWith('…(cut)')).toBe(true);
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(1024);
    expect(utf8Bytes(cut)).toBeGreaterThan(1010);
    // Never half a character: an emoji is two UTF-16 units and four bytes.
    expect(capText('😀'.repeat(100), 21)).toBe('😀😀😀…(cut)');
  });
});

describe('gitRootOf', () => {
  it('finds the work tree holding a directory, or none', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'steward-gitroot-'));
    try {
      mkdirSync(path.join(root, 'repo', '.git'), { recursive: true });
      mkdirSync(path.join(root, 'repo', 'config', 'deep'), { recursive: true });
      expect(gitRootOf(path.join(root, 'repo', 'config', 'deep'))).toBe(path.join(root, 'repo'));
      expect(gitRootOf(root)).toBe(gitRootOf(path.dirname(root)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
