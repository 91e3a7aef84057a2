/**
 * Runs the agents' hook command in a throwaway tmux session, started the way a launch starts an
 * agent (src/activities/agent-session.ts): on the agents' tmux server, with STEWARD_BIN, the
 * backend's environment and PATH, through `/usr/bin/env PATH=…`. What the pane saw is written to a
 * file, since the pane itself is gone once its program ends.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaneProbe } from '../../core/doctor';
import type { Tmux } from '../../host/tmux';

/** The variables a fresh pane reports (nothing else of its environment is read). */
export const PANE_VARIABLES = [
  'STEWARD_BIN',
  'IS_SANDBOX',
  'CLAUDE_CONFIG_DIR',
  'CLAUDE_CODE_BUBBLEWRAP',
  'HOME',
] as const;

/**
 * A constant script: everything variable reaches it through the environment and `$1` (the report
 * file), never through the script text. `"$STEWARD_BIN/steward" hook` is the agents' hook command
 * (src/core/launch.ts); `hook --help` runs it as far as it can go without a payload, with the PATH
 * the agent gets (the script's own tools are looked up in /usr/bin and /bin first).
 */
const SCRIPT = `out=$1
agent_path=$PATH
PATH=/usr/bin:/bin:$PATH
{
  printf 'uid %s\\n' "$(id -u)"
  env | grep -E '^(${PANE_VARIABLES.join('|')})=' | sed 's/^/env /'
  hook="$STEWARD_BIN/steward"
  if [ -f "$hook" ] && [ -x "$hook" ]; then
    printf 'resolved %s\\n' "$(command -v "$hook")"
    PATH=$agent_path "$hook" hook --help >/dev/null 2>"$out.err"
    printf 'runs %s\\n' "$?"
  fi
} >"$out.tmp" 2>&1
mv "$out.tmp" "$out"
`;

const WAIT_MS = 20_000;
const POLL_MS = 100;

let sessions = 0;

export function parsePaneReport(text: string, stderr: string): Omit<PaneProbe, 'error'> {
  const probe: Omit<PaneProbe, 'error'> = { env: {}, uid: null, resolved: null, runs: null, runError: '' };
  for (const row of text.split('\n')) {
    const cut = row.indexOf(' ');
    if (cut < 0) continue;
    const key = row.slice(0, cut);
    const value = row.slice(cut + 1);
    if (key === 'uid' && /^\d+$/.test(value)) probe.uid = Number(value);
    else if (key === 'resolved') probe.resolved = value || null;
    else if (key === 'runs' && /^\d+$/.test(value)) probe.runs = Number(value);
    else if (key === 'env') {
      const eq = value.indexOf('=');
      if (eq > 0) probe.env[value.slice(0, eq)] = value.slice(eq + 1);
    }
  }
  probe.runError =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  return probe;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the pane, waits for its report, kills the session. Never throws: a failure is `error`. */
export async function probePane(
  tmux: Tmux,
  opts: { binDir: string; env: Record<string, string>; path: string },
): Promise<PaneProbe> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-doctor-'));
  const out = join(dir, 'report');
  const session = `steward-doctor-${process.pid}-${++sessions}`;
  const empty = { env: {}, uid: null, resolved: null, runs: null, runError: '' };
  try {
    await tmux.newSession({
      session,
      cwd: dir,
      command: '/usr/bin/env',
      args: [`PATH=${opts.path}`, '/bin/sh', '-c', SCRIPT, 'sh', out],
      env: { ...opts.env, STEWARD_BIN: opts.binDir, PATH: opts.path },
    });
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const text = await readFile(out, 'utf8').catch(() => null);
      if (text !== null) return parsePaneReport(text, await readFile(`${out}.err`, 'utf8').catch(() => ''));
      if (Date.now() > deadline) return { ...empty, error: `the pane wrote no report within ${WAIT_MS / 1000} s` };
      if (!(await tmux.hasSession(session)) && (await readFile(out, 'utf8').catch(() => null)) === null) {
        return { ...empty, error: 'the pane ended without writing its report' };
      }
      await sleep(POLL_MS);
    }
  } catch (err) {
    return { ...empty, error: (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'tmux failed' };
  } finally {
    await tmux.killSession(session).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
