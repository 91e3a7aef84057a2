/** `[prices]` in agents.toml: validation (named by TOML path), resolution, `config show`, and the request that carries it to the host. */
import { renderConfigToml } from '../../src/core/config/render';
import { parseConfigText, type ConfigResult } from '../../src/core/config/schema';
import type { StewardConfig } from '../../src/core/config/types';
import { emptyTokenAccounting } from '../../src/core/state/tokens';
import { agentTokenRequest } from '../../src/core/tokens/agent-token-request';
import { priceUsage } from '../../src/core/tokens/pricing';
import { zeroUsage } from '../../src/core/tokens/usage';

const CTX = { source: '/cfg/demo.toml', baseDir: '/cfg', homeDir: '/home/op' };
const AGENT = '[[agent]]\nname = "builder"\n';

function load(text: string): ConfigResult {
  return parseConfigText(text, CTX);
}

function valid(text: string): StewardConfig {
  const result = load(text);
  if (!result.ok)
    throw new Error(`expected a valid config, got:\n${result.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return result.config;
}

/** The issues of an invalid config, as "line: path: message". */
function problems(text: string): string[] {
  const result = load(text);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map((issue) => `${issue.line}: ${issue.path}: ${issue.message}`);
}

describe('[prices]', () => {
  it('resolves model ids to prices, optional cache prices left out when not written', () => {
    const config = valid(`${AGENT}
[prices."claude-foo-1"]
input = 4.0
output = 20

[prices]
"claude-bar-2" = { input = 0.1, output = 0.5, cache_write_5m = 0.125, cache_write_1h = 0.2, cache_read = 0.01 }
"claude-free" = { input = 0, output = 0 }
`);
    expect(config.prices).toEqual({
      'claude-foo-1': { input: 4, output: 20 },
      'claude-bar-2': { input: 0.1, output: 0.5, cache_write_5m: 0.125, cache_write_1h: 0.2, cache_read: 0.01 },
      'claude-free': { input: 0, output: 0 },
    });
  });

  it('is absent from the resolved config when not written, or written empty', () => {
    expect(valid(AGENT)).not.toHaveProperty('prices');
    expect(valid(`${AGENT}[prices]\n`)).not.toHaveProperty('prices');
  });

  it('drops a "__proto__" entry (zod never copies that key) without touching any prototype', () => {
    const config = valid(`${AGENT}[prices."__proto__"]\ninput = 1\noutput = 1\n`);
    expect(config).not.toHaveProperty('prices');
    expect(({} as Record<string, unknown>).input).toBeUndefined();
  });

  it('accepts the ids of other providers (Bedrock, Vertex)', () => {
    const config = valid(`${AGENT}
[prices]
"anthropic.claude-opus-5-5-v1:0" = { input = 4, output = 20 }
"claude-opus-5-5@20261101" = { input = 4, output = 20 }
`);
    expect(Object.keys(config.prices!)).toEqual(['anthropic.claude-opus-5-5-v1:0', 'claude-opus-5-5@20261101']);
  });

  it('reports every problem at its TOML path and line', () => {
    expect(
      problems(`${AGENT}
[prices."claude-foo-1"]
input = -1
output = "20"
cache_read = -0.5
cache_reed = 0.1

[prices."claude-bar"]
input = 1

[prices."claude-opus-5-5[1m]"]
input = 4
output = 20

[prices."has space"]
input = 1
output = 1
`),
    ).toEqual([
      '5: prices.claude-foo-1.input: must be at least 0',
      '6: prices.claude-foo-1.output: expected a number, got "20"',
      '7: prices.claude-foo-1.cache_read: must be at least 0',
      '8: prices.claude-foo-1.cache_reed: unknown key `cache_reed` (did you mean `cache_read`?)',
      '10: prices.claude-bar.output: required key is missing',
      '13: prices."claude-opus-5-5[1m]": write the id without "[1m]" (`claude-opus-5-5`): the 1M-context variant is priced as its model',
      '17: prices."has space": expected a model id as transcripts record it, e.g. "claude-opus-5-5": up to 128 letters, digits and . _ : @ / -',
    ]);
  });

  it('rejects a price that is not a finite number, and a [prices] that is not a table of tables', () => {
    expect(problems(`${AGENT}[prices.m1]\ninput = inf\noutput = nan\n`)).toEqual([
      '4: prices.m1.input: expected a number, got Infinity',
      '5: prices.m1.output: expected a number, got NaN',
    ]);
    expect(problems(`prices = 5\n${AGENT}`)).toEqual(['1: prices: expected a table, got 5']);
    expect(problems(`${AGENT}[prices]\nm1 = 4\n`)).toEqual(['4: prices.m1: expected a table, got 4']);
  });

  it('is written out by `config show`, and loads back the same', () => {
    const config = valid(`${AGENT}[prices."claude-foo-1"]\ninput = 4\noutput = 20\ncache_read = 0.2\n`);
    const text = renderConfigToml(config);
    expect(text).toMatch(/^\[prices\.claude-foo-1\]$/m);
    expect(valid(text)).toEqual(config);
  });

  it('goes to the host with the token request, and prices there over the built-in table', () => {
    const config = valid(`${AGENT}
[prices."claude-foo-1"]
input = 2
output = 10
[prices."claude-opus-5-5"]
input = 1
output = 1
`);
    const req = agentTokenRequest(emptyTokenAccounting(), config, { builder: { sessionId: 's1' } });
    expect(req.prices).toEqual({
      'claude-foo-1': { input: 2, output: 10 },
      'claude-opus-5-5': { input: 1, output: 1 },
    });
    const u = { ...zeroUsage(), input_tokens: 1e6, output_tokens: 1e6 };
    expect(priceUsage('claude-foo-1', u, req.prices)).toEqual({ usd: 12 });
    expect(priceUsage('claude-opus-5-5', u, req.prices)).toEqual({ usd: 2 });
    expect(priceUsage('claude-opus-5-5', u)).toEqual({ usd: 24 });
  });
});
