import { appendFile, readdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { statusQuery } from '../../src/workflows/definitions';

/**
 * While a real build runs, the builder's transcript is truncated and rewritten with garbage in
 * front of its old lines, and a line that is not JSON is appended. The ledger recovers: the build
 * finishes, and every reply is counted exactly once (the scripts say builder 2 × (1500 + 800) + 900
 * in / 2 × (400 + 120) + 200 out, its fix after p1's failed review included; adversary 3 × 1100 in /
 * 3 × 250 out, p1's two reviews and p2's one).
 */
describe('transcripts truncated and corrupted under the ledger', () => {
  const h = useHarness('corrupt');

  it('recovers without crashing or counting twice', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    await eventually(
      async () =>
        (await handle.query(statusQuery)).events.find((e) => e.type === 'phase_completed' && e.phase === 'p1'),
      60_000,
      'p1 done',
    );

    const view = await handle.query(statusQuery);
    const transcripts = join(h.dir, '.steward', h.name, 'transcripts');
    const files: string[] = [];
    for (const project of await readdir(transcripts))
      for (const f of await readdir(join(transcripts, project))) files.push(join(transcripts, project, f));
    const builderFile = files.find((f) => f.endsWith(`${view.agents.builder!.sessionId}.jsonl`));
    expect(builderFile).toBeDefined();
    const content = await readFile(builderFile!, 'utf8');
    await truncate(builderFile!, 0);
    await appendFile(
      builderFile!,
      '{"type":"assistant","message":{"id":"msg_torn", this is not json\n\u0000\u0001garbage\n' + content,
    );
    await appendFile(builderFile!, 'not json either\n');

    const result = await handle.result();
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
    const totals = (await handle.query(statusQuery)).tokens.totals;
    expect(totals.builder!.usage).toMatchObject({ input_tokens: 5500, output_tokens: 1240 });
    expect(totals.adversary!.usage).toMatchObject({ input_tokens: 3300, output_tokens: 750 });
  });
});
