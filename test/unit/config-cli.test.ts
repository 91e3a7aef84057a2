import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { parse } from 'smol-toml';
import { registerConfigCommands } from '../../src/client/commands/config';
import { hostId } from '../../src/workers/host-id';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'steward-config-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

/** Runs `steward config …` on a fresh program; returns what it printed and the exit code it set. */
async function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  let out = '';
  let err = '';
  const program = new Command('steward')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerConfigCommands(program);
  await program.parseAsync(['config', ...args], { from: 'user' });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out, err, exitCode };
}

const VALID = `
name = "demo"
[[agent]]
name = "builder"
[[agent]]
name = "adversary"
[loop]
repo = "work"
phases = [{ id = "p1" }, { id = "p2" }]
`;

describe('steward config check', () => {
  it('prints a one-line summary and exits 0 for a valid file', async () => {
    const result = await run('check', file('demo.toml', VALID));
    expect(result).toEqual({
      out: 'ok: build "demo": 2 agents, 0 services, 2 phases (builder, adversary)\n',
      err: '',
      exitCode: 0,
    });
  });

  it("warns of a cwd that does not exist on this host (the launch would fail), not of another host's", async () => {
    const text = VALID.replace('name = "builder"', 'name = "builder"\ncwd = "nowhere"').replace(
      'name = "adversary"',
      'name = "adversary"\ncwd = "elsewhere"\nhost = "other-host"',
    );
    const result = await run('check', file('demo.toml', text));
    expect(result.exitCode).toBe(0);
    expect(result.err).toBe(
      `warning: agent[0].cwd: ${path.join(dir, 'nowhere')} is not a directory on this host (${hostId()}): the launch will fail until it exists\n`,
    );
  });

  it('prints every problem as file:line: path: message and exits 2', async () => {
    const at = file(
      'bad.toml',
      '[watchdog]\nstall_idel = 5\n[[agent]]\nname = "a"\nkind = 5\n[loop]\nrepo = "w"\nhandoff = { claim_pings = "ghost" }\n',
    );
    const result = await run('check', at);
    expect(result.exitCode).toBe(2);
    expect(result.out).toBe('');
    expect(result.err.split('\n')).toEqual([
      `${at}:2: watchdog.stall_idel: unknown key \`stall_idel\` (did you mean \`stall_idle\`?)`,
      `${at}:5: agent[0].kind: expected one of "loop", "persistent", "task", got 5`,
      `${at}:8: loop.handoff.claim_pings: no agent named \`ghost\``,
      `3 problems in ${at}`,
      '',
    ]);
  });

  it('reports a missing file', async () => {
    const missing = path.join(dir, 'nope.toml');
    const result = await run('check', missing);
    expect(result).toEqual({
      out: '',
      err: `${missing}: file not found: ${missing}\n1 problem in ${missing}\n`,
      exitCode: 2,
    });
  });

  it('reports a file that is not TOML, with the line', async () => {
    const at = file('notes.toml', 'name = "x"\nthis is not toml\n');
    const result = await run('check', at);
    expect(result.exitCode).toBe(2);
    expect(result.err).toBe(
      `${at}:2: not valid TOML at line 2, column 6: illegal character in key\n1 problem in ${at}\n`,
    );
  });

  it('prints warnings for driver-only keys and still passes', async () => {
    const at = file('driver.toml', `${VALID}\n[defaults]\nmodel = "opus"\n`);
    const result = await run('check', at);
    expect(result.exitCode).toBe(0);
    expect(result.err).toBe(
      `${at}:12: defaults.model: warning: \`model\` is an agents.py setting that Steward does not use; it is ignored\n`,
    );
  });
});

describe('steward config check: limits and defaults', () => {
  it('names the TOML path of a text over its size limit', async () => {
    const at = file('big.toml', `${VALID}[[agent]]\nname = "writer"\nkickoff = "${'x'.repeat(70_000)}"\n`);
    const result = await run('check', at);
    expect(result).toEqual({
      out: '',
      err: `${at}:12: agent[2].kickoff: 70000 bytes, over the 65536-byte limit\n1 problem in ${at}\n`,
      exitCode: 2,
    });
  });

  it('a driver file whose [loop] names no repo loads unchanged: the git repo holding it is the work repo', async () => {
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, 'ops'));
    const driverFile = VALID.replace('repo = "work"\n', '');
    const at = path.join(dir, 'ops', 'agents.toml');
    writeFileSync(at, driverFile);
    const check = await run('check', at);
    expect(check).toEqual({
      out: 'ok: build "demo": 2 agents, 0 services, 2 phases (builder, adversary)\n',
      err: `${at}:7: loop.repo: warning: not set: the loop watches ${dir}, the git repository that contains the config file; set \`repo\` to watch another\n`,
      exitCode: 0,
    });
    const shown = JSON.parse((await run('show', at, '--json')).out);
    expect(shown.loop.repo).toBe(dir);
  });
});

describe('steward config show', () => {
  it('prints the resolved config as TOML that loads again', async () => {
    const result = await run('show', file('demo.toml', VALID));
    expect(result.exitCode).toBe(0);
    const shown = parse(result.out) as {
      watchdog: { signal_interval: string };
      agent: Array<{ session: string; cwd: string }>;
    };
    expect(shown.watchdog.signal_interval).toBe('15s');
    expect(shown.agent.map((agent) => agent.session)).toEqual(['demo-builder', 'demo-adversary']);
    expect(shown.agent[0].cwd).toBe(dir);
  });

  it('prints JSON with --json', async () => {
    const result = await run('show', file('demo.toml', VALID), '--json');
    const config = JSON.parse(result.out);
    expect(config).toMatchObject({
      name: 'demo',
      source: path.join(dir, 'demo.toml'),
      watchdog: { signal_interval: 15_000 },
    });
    expect(config.loop.phases.map((phase: { id: string }) => phase.id)).toEqual(['p1', 'p2']);
  });

  it('exits 2 with the problems for an invalid file', async () => {
    const at = file('bad.toml', '[[agent]]\nname = "a b"\n');
    const result = await run('show', at, '--json');
    expect(result.exitCode).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain(`${at}:2: agent[0].name:`);
  });
});
