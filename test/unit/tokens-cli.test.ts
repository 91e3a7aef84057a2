import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerTokensScan } from '../../src/client/commands/tokens';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');

/** A `steward tokens` command as the lead builds it, with output captured. */
function cli(): { program: Command; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('steward')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
  registerTokensScan(program.command('tokens'));
  return { program, out, err };
}

describe('steward tokens scan', () => {
  it('prints the documented JSON shape with exact figures (see tokens-fixtures.test.ts)', async () => {
    const { program, out } = cli();
    await program.parseAsync(['tokens', 'scan', FIXTURE, '--json'], { from: 'user' });
    const json = JSON.parse(out.join(''));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['total', 'unpriced_models', 'sessions', 'models', 'files', 'lines', 'skipped']),
    );
    expect(json.total).toEqual({
      input_tokens: 1187,
      output_tokens: 2660,
      cache_creation_input_tokens: 8000,
      cache_read_input_tokens: 115000,
      cost_usd: 0.095431,
    });
    expect(json.unpriced_models).toEqual(['claude-mystery-9']);
    expect({ files: json.files, lines: json.lines, skipped: json.skipped }).toEqual({ files: 4, lines: 26, skipped: 9 });
    expect(json.sessions).toHaveLength(3);
    expect(json.sessions[0]).toEqual({
      session_id: '11111111-1111-4111-8111-111111111111',
      source: '-work-demo',
      input_tokens: 167,
      output_tokens: 1140,
      cache_creation_input_tokens: 8000,
      cache_read_input_tokens: 75000,
      cost_usd: 0.062551,
      unpriced_models: [],
      messages: 6,
      models: ['claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929'],
    });
    expect(json.models.map((m: { model: string; cost_usd: number | null }) => [m.model, m.cost_usd])).toEqual([
      ['claude-sonnet-4-5-20250929', 0.057981],
      ['claude-opus-4-5-20251101', 0.03255],
      ['claude-haiku-4-5-20251001', 0.0049],
      ['claude-mystery-9', null],
    ]);
  });

  it('prints a readable table without --json', async () => {
    const { program, out } = cli();
    await program.parseAsync(['tokens', 'scan', FIXTURE], { from: 'user' });
    const text = out.join('');
    expect(text).toMatch(/^4 files, 26 lines \(9 without usage\), 9 messages, 7 duplicate lines$/m);
    expect(text).toMatch(/^MODEL\s+INPUT\s+OUTPUT\s+CACHE WRITE\s+CACHE READ\s+COST$/m);
    expect(text).toMatch(/^claude-mystery-9\s+1,000\s+1,000\s+0\s+0\s+unpriced$/m);
    expect(text).toMatch(/^TOTAL\s+1,187\s+2,660\s+8,000\s+115,000\s+\$0\.10$/m);
    expect(text).toMatch(/Not in the price table.*claude-mystery-9/);
    expect(text).toMatch(/Usage limit \(-work-demo, .*\): Claude AI usage limit reached/);
  });

  it('exits 2 with one line for a missing dir', async () => {
    const { program, out, err } = cli();
    const missing = path.join(FIXTURE, 'no-such-dir');
    const run = program.parseAsync(['tokens', 'scan', missing, '--json'], { from: 'user' });
    await expect(run).rejects.toBeInstanceOf(CommanderError);
    await expect(run).rejects.toMatchObject({ exitCode: 2 });
    expect(out).toEqual([]);
    expect(err.join('')).toBe(`tokens scan: no such directory: ${missing}\n`);
  });
});
