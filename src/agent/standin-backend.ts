import { join } from 'node:path';

/**
 * The `[backend.claude]` table that runs the real Claude Code against the model stand-in: the
 * demo (`steward demo --agent claude`) and the real-CLI tests write it the same way.
 */

/** What a Claude Code agent needs to talk to the stand-in from its own config dir. */
export function standinEnv(opts: { configDir: string; standinUrl: string; apiKey: string }): Record<string, string> {
  return {
    CLAUDE_CONFIG_DIR: opts.configDir,
    ANTHROPIC_BASE_URL: opts.standinUrl,
    ANTHROPIC_API_KEY: opts.apiKey,
    // As root Claude Code refuses bypass mode outside a sandbox; a stand-in build is one.
    IS_SANDBOX: '1',
    // Only model calls reach the stand-in: no telemetry, update checks or token counting.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

export function claudeBackendTable(opts: {
  bin: string;
  args: string[];
  configDir: string;
  env: Record<string, string>;
  extra?: string;
}): string {
  const env = Object.entries(opts.env)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
  return `
[backend.claude]
command = ${JSON.stringify(opts.bin)}
args = ${JSON.stringify(opts.args)}
transcripts = ${JSON.stringify(join(opts.configDir, 'projects'))}
env = { ${env} }
${opts.extra ?? ''}
`;
}
