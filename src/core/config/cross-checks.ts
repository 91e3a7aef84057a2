/**
 * Checks that need more than one value: names that must refer to something, names that must be
 * unique, settings spelt two ways at once. They read the parsed TOML tolerantly so they run (and
 * report) even when the schema has rejected other parts of the file.
 */
import { BUILTIN_BACKENDS } from './builtin-backends';
import type { ConfigContext } from './context';
import { kickoffFileKey } from './context';
import type { ConfigIssue, PathSegment } from './issues';
import { tomlPath, valueAt } from './issues';
import { buildNameOf, defaultSessionPrefix, idError, sessionPrefixError, sessionSafeNameError } from './names';
import type { Table } from './raw-access';
import { asString, asTable, isTable, tablesIn } from './raw-access';
import { didYouMean } from './suggest';
import { DEFAULT_FAIL_WORDS, DEFAULT_PASS_WORDS } from './verdict-words';

type Report = (segments: PathSegment[], message: string) => void;

export function crossCheck(raw: unknown, ctx: ConfigContext): ConfigIssue[] {
  const root = asTable(raw);
  const issues: ConfigIssue[] = [];
  const report: Report = (segments, message) => issues.push({ path: tomlPath(segments), message });
  checkSpeltTwice(root, report);
  const buildName = checkBuildName(root, ctx, report);
  checkBackends(root, report);
  const agentNames = checkAgents(root, ctx, report);
  checkSessions(root, buildName, report);
  checkLoop(root, ctx, agentNames, report);
  checkLearning(root, agentNames, report);
  return issues;
}

/** Pairs of keys that set the same thing (driver spelling and Steward spelling): at most one may be set. */
function checkSpeltTwice(root: Table, report: Report): void {
  const groups: PathSegment[][][] = [
    [['state_dir'], ['log_dir'], ['defaults', 'log_dir']],
    [['session_prefix'], ['defaults', 'session_prefix']],
    [
      ['defaults', 'cwd'],
      ['defaults', 'dir'],
    ],
    [
      ['defaults', 'kickoff'],
      ['defaults', 'kickoff_file'],
    ],
    [
      ['budget', 'build', 'tokens'],
      ['budget', 'tokens'],
    ],
    [
      ['budget', 'build', 'usd'],
      ['budget', 'usd'],
    ],
  ];
  for (const [index] of tablesIn(root.agent)) {
    groups.push([
      ['agent', index, 'cwd'],
      ['agent', index, 'dir'],
    ]);
    groups.push([
      ['agent', index, 'kickoff'],
      ['agent', index, 'kickoff_file'],
    ]);
  }
  for (const [index] of tablesIn(root.service))
    groups.push([
      ['service', index, 'cwd'],
      ['service', index, 'dir'],
    ]);
  for (const group of groups) {
    const set = group.filter((segments) => valueAt(root, segments) !== undefined);
    for (const extra of set.slice(1)) report(extra, `sets the same thing as \`${tomlPath(set[0])}\`; keep one`);
  }
  const watchdogGranularity = asString(asTable(root.watchdog).token_granularity);
  const loopGranularity = asString(asTable(root.loop).token_granularity);
  if (watchdogGranularity !== undefined && loopGranularity !== undefined && watchdogGranularity !== loopGranularity) {
    report(
      ['loop', 'token_granularity'],
      `conflicts with watchdog.token_granularity = "${watchdogGranularity}"; keep one`,
    );
  }
}

function checkBuildName(root: Table, ctx: ConfigContext, report: Report): string {
  const name = buildNameOf(asString(root.name), ctx.source);
  const error = idError(name);
  if (root.name === undefined && error !== undefined) {
    report(['name'], `no \`name\` is set and the file name gives a bad one: ${error}; set \`name\``);
  }
  return name;
}

function checkBackends(root: Table, report: Report): void {
  for (const [name, backend] of Object.entries(asTable(root.backend))) {
    if (!(name in BUILTIN_BACKENDS) && isTable(backend) && backend.command === undefined) {
      report(
        ['backend', name, 'command'],
        `required: \`${name}\` is not a built-in backend (${Object.keys(BUILTIN_BACKENDS).join(', ')})`,
      );
    }
  }
}

/** Returns every agent name written, valid or not, so references to them are not reported twice. */
function checkAgents(root: Table, ctx: ConfigContext, report: Report): Set<string> {
  const backends = [...Object.keys(BUILTIN_BACKENDS), ...Object.keys(asTable(root.backend))];
  const checkBackend = (value: unknown, at: PathSegment[]) => {
    const backend = asString(value);
    if (backend !== undefined && !backends.includes(backend)) {
      report(
        at,
        `no backend named \`${backend}\`${didYouMean(backend, backends)}: define [backend.${backend}] or use one of ${backends.join(', ')}`,
      );
    }
  };
  const checkKickoffFile = (value: unknown, at: PathSegment[]) => {
    const file = asString(value);
    const key = file === undefined ? undefined : kickoffFileKey(ctx, file);
    // A file too big to read is reported by the size checks, not as missing.
    if (key !== undefined && ctx.kickoffFiles?.[key] === undefined && ctx.oversizeKickoffFiles?.[key] === undefined) {
      report(at, `kickoff file not found: ${key}`);
    }
  };
  const defaults = asTable(root.defaults);
  checkBackend(defaults.backend, ['defaults', 'backend']);
  checkKickoffFile(defaults.kickoff_file, ['defaults', 'kickoff_file']);

  const agentNames = checkUnique(root.agent, ['agent'], 'name', 'agent name', report);
  for (const [index, agent] of tablesIn(root.agent)) {
    checkBackend(agent.backend, ['agent', index, 'backend']);
    checkKickoffFile(agent.kickoff_file, ['agent', index, 'kickoff_file']);
  }
  checkUnique(root.service, ['service'], 'name', 'service name', report);
  return agentNames;
}

/** Each table's `key` must differ from the others'; returns the values seen. */
function checkUnique(tables: unknown, at: PathSegment[], key: string, what: string, report: Report): Set<string> {
  const firstIndex = new Map<string, number>();
  for (const [index, table] of tablesIn(tables)) {
    const value = asString(table[key]);
    if (value === undefined) continue;
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    else report([...at, index, key], `duplicate ${what} \`${value}\` (also ${at.join('.')}[${first}])`);
  }
  return new Set(firstIndex.keys());
}

/** Every agent and service gets its own tmux session, explicit or `<session_prefix><name>`. */
function checkSessions(root: Table, buildName: string, report: Report): void {
  const prefix =
    asString(root.session_prefix) ?? asString(asTable(root.defaults).session_prefix) ?? defaultSessionPrefix(buildName);
  const owners = new Map<string, string>();
  for (const section of ['agent', 'service'] as const) {
    const names = new Set<string>();
    for (const [index, entry] of tablesIn(root[section])) {
      const at: PathSegment[] = [section, index, 'session'];
      const name = asString(entry.name);
      // A repeated name is reported as such; its session clash would only repeat that.
      if (name !== undefined && names.has(name)) continue;
      if (name !== undefined) names.add(name);
      let session = asString(entry.session);
      if (
        session === undefined &&
        name !== undefined &&
        sessionSafeNameError(name) === undefined &&
        sessionPrefixError(prefix) === undefined
      ) {
        session = prefix + name;
        const error = sessionSafeNameError(session);
        if (error !== undefined)
          report(at, `the session name made of session_prefix + name is unusable: ${error}; set \`session\``);
      }
      if (session === undefined) continue;
      const owner = owners.get(session);
      if (owner === undefined) owners.set(session, tomlPath([section, index]));
      else report(at, `tmux session \`${session}\` is already used by ${owner}`);
    }
  }
}

function checkLoop(root: Table, ctx: ConfigContext, agentNames: Set<string>, report: Report): void {
  if (!isTable(root.loop)) return;
  const loop = root.loop;
  const handoff = asTable(loop.handoff);
  // Without either, the git repo holding the config file is the work repo (see defaultRepoWarnings).
  if (loop.repo === undefined && handoff.repo === undefined && ctx.gitRoot === undefined) {
    report(
      ['loop', 'repo'],
      'required: the path of the work repo whose origin/main the loop watches (or set loop.handoff.repo); ' +
        'the config file is not inside a git repository that could stand in for it',
    );
  }
  checkUnique(loop.phases, ['loop', 'phases'], 'id', 'phase id', report);
  const checkTargets = (value: unknown, at: PathSegment[]) => {
    const targets: Array<[unknown, PathSegment[]]> = Array.isArray(value)
      ? value.map((name, i) => [name, [...at, i]])
      : [[value, at]];
    for (const [target, targetAt] of targets) {
      const name = asString(target);
      if (name !== undefined && !agentNames.has(name))
        report(targetAt, `no agent named \`${name}\`${didYouMean(name, [...agentNames])}`);
    }
  };
  checkTargets(handoff.claim_pings, ['loop', 'handoff', 'claim_pings']);
  checkTargets(handoff.review_pings, ['loop', 'handoff', 'review_pings']);
  checkVerdictWords(handoff, report);
  const inboxes = Array.isArray(handoff.inboxes) ? handoff.inboxes : [];
  inboxes.forEach((inbox: unknown, index) => {
    if (isTable(inbox)) checkTargets(inbox.agent, ['loop', 'handoff', 'inboxes', index, 'agent']);
    else if (Array.isArray(inbox)) checkTargets(inbox[1], ['loop', 'handoff', 'inboxes', index, 1]);
  });
}

/** The reflection agent is one of the build's agents. */
function checkLearning(root: Table, agentNames: Set<string>, report: Report): void {
  const name = asString(asTable(root.learning).reflection_agent);
  if (name !== undefined && name !== '' && !agentNames.has(name))
    report(['learning', 'reflection_agent'], `no agent named \`${name}\`${didYouMean(name, [...agentNames])}`);
}

/** A word cannot mean both pass and fail. A list left out is its default; a written one is blamed. */
function checkVerdictWords(handoff: Table, report: Report): void {
  const listOf = (value: unknown, byDefault: readonly string[]): unknown[] =>
    value === undefined ? [...byDefault] : Array.isArray(value) ? value : [];
  const normal = (word: unknown) => asString(word)?.trim().toLowerCase();
  const pass = listOf(handoff.pass_words, DEFAULT_PASS_WORDS);
  const fail = listOf(handoff.fail_words, DEFAULT_FAIL_WORDS);
  const [blamed, key, others, kind] =
    handoff.fail_words !== undefined ? [fail, 'fail_words', pass, 'pass'] : [pass, 'pass_words', fail, 'fail'];
  const taken = new Set(others.map(normal));
  blamed.forEach((word, index) => {
    const normalised = normal(word);
    if (normalised !== undefined && taken.has(normalised))
      report(
        ['loop', 'handoff', key, index],
        `\`${String(word)}\` is a ${kind} word too: a word means pass or fail, not both`,
      );
  });
}
