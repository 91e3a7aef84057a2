/**
 * The push channel (Server-Sent Events): `event` messages carry a new event with its id,
 * `changed` ones the builds whose views changed, `reset` tells the page its position is lost (a
 * restarted server, an id dropped long ago) so it reloads what it shows. A browser reconnecting
 * sends the last id it saw (Last-Event-ID) and gets exactly the events after it: the missed ones
 * are replayed and the live ones follow in the same turn of the event loop, so none is lost or sent twice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BuildBoard, PushMessage } from './board';

export const HEARTBEAT_MS = 15_000;
/** A page this far behind is cut off; it reconnects and resumes from its last id. */
export const MAX_BUFFERED_BYTES = 8 << 20;

function frame(message: PushMessage | { kind: 'reset' }): string {
  switch (message.kind) {
    case 'event':
      return `id: ${message.event.id}\nevent: event\ndata: ${JSON.stringify(message.event)}\n\n`;
    case 'changed':
      return `event: changed\ndata: ${JSON.stringify({ builds: message.builds })}\n\n`;
    case 'reset':
      return 'event: reset\ndata: {}\n\n';
  }
}

/** Where a page resumes: the Last-Event-ID its browser sends on reconnecting, else `?after=`. */
export function resumePosition(req: IncomingMessage, url: URL): string | null {
  const header = req.headers['last-event-id'];
  const id = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('after');
  return id?.trim() ? id.trim() : null;
}

export function openPushStream(
  req: IncomingMessage,
  res: ServerResponse,
  board: BuildBoard,
  url: URL,
  heartbeatMs = HEARTBEAT_MS,
): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 1000\n\n');
  const send = (message: PushMessage | { kind: 'reset' }) => {
    if (res.destroyed) return;
    res.write(frame(message));
    if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
  };
  const position = resumePosition(req, url);
  if (position !== null) {
    const missed = board.journal.after(position);
    if (missed === null) send({ kind: 'reset' });
    else for (const event of missed) if (!res.destroyed) send({ kind: 'event', event });
  }
  const unsubscribe = board.subscribe(send);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', close);
  res.on('close', close);
}
