import { spawn, ChildProcess } from 'node:child_process';

export interface GitObject {
  sha: string;
  type: string;
  content: Buffer;
}

interface Waiting {
  resolve(object: GitObject | null): void;
  reject(err: Error): void;
}

/**
 * One long-lived `git cat-file --batch` in a repository: objects by name (`origin/main`,
 * `<sha>:<path>`) without a process per question. Names resolve when asked, so a ref a fetch
 * moved since is read as it is now (and objects it brought are found). It starts on the first
 * read and ends after `idleMs` without one, or on `close`; should git die, the reads waiting for
 * it fail and the next read starts another.
 */
export class CatFileBatch {
  private child: ChildProcess | null = null;
  private waiting: Waiting[] = [];
  private data: Buffer = Buffer.alloc(0);
  private idle: NodeJS.Timeout | null = null;

  constructor(
    readonly dir: string,
    private readonly idleMs = 5 * 60_000,
  ) {}

  /** The object `name` names, or null when there is none (missing, ambiguous). */
  read(name: string): Promise<GitObject | null> {
    // One name a line: a name with a line break in it cannot be asked for.
    if (/[\n\r\0]/.test(name)) return Promise.reject(new Error('object name with a line break'));
    const child = this.child ?? this.start();
    this.touch();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin!.write(`${name}\n`);
    });
  }

  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.stop(this.child, new Error('git cat-file closed'));
  }

  private start(): ChildProcess {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.dir, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    this.data = Buffer.alloc(0);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      this.data = this.data.length ? Buffer.concat([this.data, chunk]) : chunk;
      this.parse();
    });
    const gone = (err?: Error) => this.stop(child, new Error(`git cat-file ended: ${err?.message ?? 'exited'}`));
    child.on('error', gone);
    child.on('exit', () => gone());
    child.stdin!.on('error', gone);
    return child;
  }

  /** Settles the oldest reads whose replies have come whole: `<sha> <type> <size>\n<content>\n`, or `<name> missing\n`. */
  private parse(): void {
    for (;;) {
      const nl = this.data.indexOf(10);
      if (nl < 0) return;
      const header = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/.exec(
        this.data.subarray(0, nl).toString('utf8'),
      );
      if (header) {
        const size = Number(header[3]);
        if (this.data.length < nl + 1 + size + 1) return;
        const content = Buffer.from(this.data.subarray(nl + 1, nl + 1 + size));
        this.data = this.data.subarray(nl + 1 + size + 1);
        this.waiting.shift()?.resolve({ sha: header[1]!, type: header[2]!, content });
      } else {
        this.data = this.data.subarray(nl + 1);
        this.waiting.shift()?.resolve(null);
      }
    }
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.close(), this.idleMs).unref();
  }

  private stop(child: ChildProcess | null, err: Error): void {
    if (!child || child !== this.child) return;
    this.child = null;
    child.kill();
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.reject(err);
  }
}
