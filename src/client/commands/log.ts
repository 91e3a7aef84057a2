/**
 * `steward log AGENT --build B` / `steward log FILE.jsonl`: an agent's Claude Code transcript as
 * readable, greppable text — prompts, replies, one line per tool call and result, usage per turn.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { buildConfig, openBuild, parseBuildRef, queryStatus, withTemporal } from '../build-handle';
import { collect, examples, outputOf, wholeNumber, type Output } from '../cli-output';
import { UsageError } from '../load-or-exit';
import { firstLine } from '../render/format';
import { renderTranscript, transcriptEntries } from '../render/transcript';
import { findSessionTranscripts, transcriptSearchDirs } from '../transcript-files';
import { sessionSafeNameError } from '../../core/config/names';

interface LogOptions {
  build?: string;
  transcripts?: string[];
  subagents?: boolean;
  width: number;
  full?: boolean;
  json?: boolean;
}

function readTranscript(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${firstLine((err as Error).message)}`);
  }
}

function print(out: Output, files: { path: string; title?: string }[], opts: LogOptions): void {
  const rendered = files.map((f) => ({ ...f, entries: transcriptEntries(readTranscript(f.path)) }));
  if (opts.json) {
    out.json(rendered.map((f) => ({ file: f.path, entries: f.entries })));
    return;
  }
  rendered.forEach((f, i) => {
    if (f.title) out.out(`${i > 0 ? '\n' : ''}# ${f.title}`);
    out.lines(renderTranscript(f.entries, { maxWidth: opts.full ? Infinity : opts.width }));
  });
}

async function agentTranscripts(
  ref: string,
  agent: string,
  opts: LogOptions,
): Promise<{ path: string; title: string }[]> {
  const problem = sessionSafeNameError(agent);
  if (problem) throw new UsageError(`agent name: ${problem}`);
  parseBuildRef(ref);
  return withTemporal(async (t) => {
    const b = await openBuild(t, ref);
    const view = await queryStatus(b);
    const state = view.agents[agent];
    if (!state)
      throw new UsageError(
        `no agent "${agent}" in build ${b.name}; agents: ${Object.keys(view.agents).join(', ') || 'none'}`,
      );
    let dirs = opts.transcripts;
    // The config the build runs now: a reload may have moved the backend's transcripts dir.
    dirs ??= transcriptSearchDirs(await buildConfig(b), agent);
    const found = await findSessionTranscripts(state.sessionId, dirs);
    if (found.length === 0) {
      throw new Error(
        `no transcript ${state.sessionId}.jsonl for agent ${agent} under ${dirs.join(', ') || '(no transcript dirs on this host)'}; pass --transcripts DIR`,
      );
    }
    return found.flatMap((f) => [
      { path: f.path, title: `agent ${agent}, session ${state.sessionId}: ${f.path}` },
      ...(opts.subagents
        ? f.subagents.map((s) => ({ path: s, title: `agent ${agent}, subagent of ${state.sessionId}: ${s}` }))
        : []),
    ]);
  });
}

export function registerLogCommand(program: Command): void {
  program
    .command('log')
    .description(
      "render an agent's Claude Code transcript as text: prompts, replies, tool calls and results, usage per turn",
    )
    .argument('<agent-or-file>', 'an agent name (with --build), or a transcript .jsonl file')
    .option('--build <name>', "the agent's build: its current session's transcript is found and shown")
    .option(
      '--transcripts <dir>',
      "where to look (repeatable; default: the agent backend's transcripts dir from the build's config, then $CLAUDE_CONFIG_DIR or ~/.claude)",
      collect,
    )
    .option('--subagents', "also show the session's subagent transcripts")
    .option('--width <n>', 'shorten tool inputs and results to this many characters', wholeNumber(20, 100_000), 200)
    .option('--full', 'do not shorten tool inputs and results')
    .option('--json', 'print the parsed entries as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Lines look like `HH:MM:SS kind text`, kind one of user, assistant, tool, result, usage, thinking,',
        'system, meta, error; subagent lines are marked `~`. A `--- date ---` line starts each day (UTC).',
        "Transcripts are files on the agents' host: run this there (or pass --transcripts).",
        examples(
          'steward log builder --build demo',
          'steward log builder --build demo | grep -E " (tool|result) "',
          'steward log ~/.claude/projects/-work-demo/1111.jsonl --full',
        ),
      ].join('\n'),
    )
    .action(async (target: string, opts: LogOptions, command: Command) => {
      const out = outputOf(command);
      if (opts.build !== undefined) {
        print(out, await agentTranscripts(opts.build, target, opts), opts);
        return;
      }
      let isFile = false;
      try {
        isFile = statSync(target).isFile();
      } catch {
        isFile = false;
      }
      if (!isFile) {
        throw new UsageError(`no transcript file ${target} (for an agent of a build, pass --build B)`);
      }
      print(out, [{ path: target }], opts);
    });
}
