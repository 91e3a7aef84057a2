import { readdirSync } from 'node:fs';
import path from 'node:path';
import { configHash, loadConfigFile } from '../../src/host/config-file';
import { renderConfigToml } from '../../src/core/config/render';
import { parseConfigText } from '../../src/core/config/schema';

const CONFIG_DIR = path.join(__dirname, '..', '..', 'config');
const EXAMPLES = readdirSync(CONFIG_DIR).filter((file) => file.endsWith('.toml'));

describe('example configs', () => {
  it('include the documented ones', () => {
    expect(EXAMPLES).toEqual(expect.arrayContaining(['builder-adversary.toml', 'builder-solo.toml', 'snakepit.toml']));
  });

  it.each(EXAMPLES)('%s loads with no problems and no warnings', async (file) => {
    const result = await loadConfigFile(path.join(CONFIG_DIR, file));
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it.each(EXAMPLES)('%s shown by `config show` loads back to the same config', async (file) => {
    const result = await loadConfigFile(path.join(CONFIG_DIR, file));
    if (!result.ok) throw new Error(`${file} is invalid`);
    const { config } = result;
    const again = parseConfigText(renderConfigToml(config), { source: config.source, baseDir: CONFIG_DIR });
    expect(again).toEqual({ ok: true, config, warnings: [] });
  });

  it('builder-adversary pings both adversaries on every claim', async () => {
    const result = await loadConfigFile(path.join(CONFIG_DIR, 'builder-adversary.toml'));
    if (!result.ok) throw new Error('builder-adversary.toml is invalid');
    expect(result.config.loop?.handoff?.claim_pings).toEqual(['correctness', 'readability']);
    expect(result.config.agents.map((agent) => agent.backend)).toEqual(['claude', 'claude', 'claude']);
  });

  it('snakepit has four identical workers, an hourly cleanup task and a service', async () => {
    const result = await loadConfigFile(path.join(CONFIG_DIR, 'snakepit.toml'));
    if (!result.ok) throw new Error('snakepit.toml is invalid');
    const { agents, services } = result.config;
    const workers = agents.filter((agent) => agent.name.startsWith('snake-'));
    expect(workers).toHaveLength(4);
    expect(new Set(workers.map((w) => `${w.kind} ${w.kickoff} ${w.cwd}`)).size).toBe(1);
    expect(agents.find((agent) => agent.name === 'cleanup')).toMatchObject({
      kind: 'task',
      wake: { interval: 3_600_000 },
    });
    expect(services).toHaveLength(1);
  });
});

describe('configHash', () => {
  it('is the same for equal configs whatever their key order, and differs when anything changes', async () => {
    const result = await loadConfigFile(path.join(CONFIG_DIR, 'builder-solo.toml'));
    if (!result.ok) throw new Error('builder-solo.toml is invalid');
    const { config } = result;
    const reordered = Object.fromEntries(Object.entries(config).reverse()) as typeof config;
    expect(configHash(reordered)).toBe(configHash(config));
    expect(configHash(config)).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash({ ...config, watchdog: { ...config.watchdog, stall_idle: 1 } })).not.toBe(configHash(config));
  });
});
