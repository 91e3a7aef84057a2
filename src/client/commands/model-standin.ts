import type { Command } from 'commander';
import { resolve } from 'node:path';
import { startModelStandin } from '../../agent/model-standin';

/** `steward model-standin`: the scripted Anthropic Messages API, for running the real Claude Code offline. */
export function registerModelStandinCommand(program: Command): void {
  program
    .command('model-standin')
    .description('serve a scripted Anthropic Messages API (point Claude Code at it with ANTHROPIC_BASE_URL)')
    .requiredOption('--script <file>', 'TOML rules: what to answer, with which usage (see docs/claude-code.md)')
    .option('--port <port>', 'port to listen on (0: any free port)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--log <file>', 'append one JSON line per request (model, rule, usage, status)')
    .addHelpText(
      'after',
      '\nExample:\n  steward model-standin --script agent.standin.toml --port 8787 --log standin.jsonl',
    )
    .action(async (opts: { script: string; port: string; host: string; log?: string }) => {
      const standin = await startModelStandin({
        scriptFile: resolve(opts.script),
        port: Number(opts.port),
        host: opts.host,
        logFile: opts.log ? resolve(opts.log) : undefined,
      });
      console.log(standin.url);
      const stop = () => void standin.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
