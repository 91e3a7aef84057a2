import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Appends one JSON line per item. Idempotent for a retried call: a line already near the end of
 * the file (the same item, written by an attempt whose worker died before it could report back)
 * is not written again. Items carry their own identity (a sequence number, a timestamp), so two
 * different items never share a line. Returns how many lines were written.
 */
export async function appendJsonLinesOnce(file: string, items: unknown[]): Promise<number> {
  if (items.length === 0) return 0;
  const lines = items.map((r) => JSON.stringify(r) + '\n');
  await mkdir(dirname(file), { recursive: true });
  let tail = '';
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      const want = Math.min(size, lines.reduce((n, l) => n + Buffer.byteLength(l), 0) + 65536);
      const buf = Buffer.alloc(want);
      const { bytesRead } = await fh.read(buf, 0, want, size - want);
      tail = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    // no file yet
  }
  const fresh = lines.filter((l) => !(tail.startsWith(l) || tail.includes('\n' + l)));
  if (fresh.length === 0) return 0;
  const fh = await open(file, 'a');
  try {
    await fh.writeFile(fresh.join(''));
  } finally {
    await fh.close();
  }
  return fresh.length;
}
