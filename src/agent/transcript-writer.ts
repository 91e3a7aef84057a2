import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Claude Code names a project directory after its cwd with every non-alphanumeric replaced by '-'. */
export function projectSlug(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

/**
 * Writes Claude-Code-style JSONL: a user line per prompt, and each reply as streamed snapshots of
 * one message id (the last carries the final usage), as the real CLI does.
 */
export class TranscriptWriter {
  private readonly file: string;
  private turn = 0;

  constructor(
    dir: string,
    readonly sessionId: string,
    readonly cwd: string,
  ) {
    const projectDir = join(dir, projectSlug(cwd));
    mkdirSync(projectDir, { recursive: true });
    this.file = join(projectDir, `${sessionId}.jsonl`);
  }

  private write(record: object): void {
    appendFileSync(this.file, JSON.stringify(record) + '\n');
  }

  user(text: string): void {
    this.write({
      type: 'user',
      uuid: randomUUID(),
      sessionId: this.sessionId,
      cwd: this.cwd,
      timestamp: new Date().toISOString(),
      message: { role: 'user', content: text },
    });
  }

  assistant(text: string, model: string, tokens: { input: number; output: number }): void {
    this.turn += 1;
    const id = `msg_${this.sessionId.slice(0, 8)}_${this.turn}`;
    const requestId = `req_${this.sessionId.slice(0, 8)}_${this.turn}`;
    const snapshot = (output: number) => ({
      type: 'assistant',
      uuid: randomUUID(),
      requestId,
      sessionId: this.sessionId,
      cwd: this.cwd,
      isSidechain: false,
      timestamp: new Date().toISOString(),
      message: {
        id,
        model,
        role: 'assistant',
        content: [{ type: 'text', text }],
        usage: {
          input_tokens: tokens.input,
          output_tokens: output,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
    this.write(snapshot(1));
    this.write(snapshot(tokens.output));
  }
}
