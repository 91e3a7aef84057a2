import { mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseAgentScript, render, ScriptRule, ScriptStep } from './script';
import { TranscriptWriter } from './transcript-writer';
import { commitAll, pullRebase, pushMain } from './git-steps';

/**
 * The stand-in for `claude` in demos and tests: it reads what is typed into its pane, reacts as
 * its script says (files, commits, pushes, the done marker) and writes a Claude-style transcript.
 * Usage: steward-scripted-agent --script FILE [--session-id UUID]
 */
function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function inside(cwd: string, file: string): string {
  const target = resolve(cwd, file);
  if (!target.startsWith(resolve(cwd) + '/')) throw new Error(`path escapes the work tree: ${file}`);
  return target;
}

/**
 * Claude Code keeps a status line under its output while it works and removes it when the turn
 * ends; so does this agent, so a pane reads as busy exactly while a rule runs.
 */
const WORKING = '✻ Working… (esc to interrupt)';
const CLEAR_LINE = '\r\u001b[2K';
let working = false;

function print(text: string): void {
  process.stdout.write(working ? `${CLEAR_LINE}${text}\n${WORKING}` : `${text}\n`);
}

async function runStep(step: ScriptStep, vars: Record<string, string>, cwd: string): Promise<void> {
  if ('write' in step) {
    const file = inside(cwd, render(step.write, vars));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, render(step.text, vars));
  } else if ('append' in step) {
    const file = inside(cwd, render(step.append, vars));
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, render(step.text, vars));
  } else if ('remove' in step) rmSync(inside(cwd, render(step.remove, vars)), { force: true });
  else if ('commit' in step) await commitAll(cwd, render(step.commit, vars));
  else if ('push' in step) await pushMain(cwd);
  else if ('pull' in step) await pullRebase(cwd);
  else if ('say' in step) print(render(step.say, vars));
  else if ('sleep' in step) await new Promise((r) => setTimeout(r, step.sleep));
  else if ('exit' in step) process.exit(step.exit);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scriptArg = argValue(args, '--script');
  if (!scriptArg) throw new Error('usage: steward-scripted-agent --script FILE [--session-id UUID]');
  const base = process.env.STEWARD_CONFIG_DIR ?? process.cwd();
  const script = parseAgentScript(readFileSync(isAbsolute(scriptArg) ? scriptArg : join(base, scriptArg), 'utf8'));
  const sessionId = argValue(args, '--session-id') ?? process.env.STEWARD_SESSION_ID ?? 'scripted';
  const cwd = process.cwd();
  const transcript = new TranscriptWriter(process.env.STEWARD_TRANSCRIPTS ?? join(cwd, '.transcripts'), sessionId, cwd);
  const vars: Record<string, string> = { agent: process.env.STEWARD_AGENT ?? 'agent' };
  const fired = new Set<string>();

  const react = async (rule: ScriptRule, line: string): Promise<void> => {
    working = true;
    process.stdout.write(WORKING);
    // The reply (and its usage) is written before its tool calls run, as Claude Code does.
    transcript.assistant(`handled: ${line}`, rule.model, rule.tokens);
    try {
      for (const step of rule.do) await runStep(step, vars, cwd);
      print('● done');
    } catch (err) {
      print(`● step failed: ${(err as Error).message}`);
    } finally {
      working = false;
      process.stdout.write(CLEAR_LINE);
    }
  };

  const handle = async (line: string): Promise<void> => {
    if (!line.trim()) return;
    transcript.user(line);
    for (const rule of script.on) {
      const m = new RegExp(rule.match).exec(line);
      if (!m) continue;
      Object.assign(vars, m.groups ?? {});
      const key = rule.once !== undefined ? `${rule.match}\u0000${render(rule.once, vars)}` : null;
      if (key && fired.has(key)) continue;
      if (key) fired.add(key);
      await react(rule, line);
    }
    process.stdout.write('> ');
  };

  process.stdout.write(`scripted agent ${vars.agent} ready (session ${sessionId})\n> `);
  let queue = Promise.resolve();
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    queue = queue.then(() => handle(line));
  });
  await new Promise<void>((r) => rl.on('close', () => r()));
  await queue;
}

main().catch((err: Error) => {
  process.stderr.write(`scripted agent: ${err.message}\n`);
  process.exit(2);
});
