import type { HostRow, HostCarry } from '../../core/hosts-view';
import { table } from './format';

function carried(c: HostCarry): string {
  const parts = [
    ...c.agents,
    ...c.services.map((s) => `service ${s}`),
    ...(c.loop ? ['the repo'] : []),
    ...(c.own ? ['its log'] : []),
  ];
  return `${c.build}: ${parts.join(', ') || '-'}`;
}

/** `steward hosts`: one row per host, its workers (live / seen) and what each running build has there. */
export function renderHosts(rows: HostRow[]): string[] {
  if (rows.length === 0) return ['no running builds'];
  return table(
    ['HOST', 'WORKERS', 'CARRIES'],
    rows.map((r) => [
      r.host,
      r.workers === null
        ? 'unknown'
        : `${r.live} live${r.workers.length ? ` (${r.workers.map((w) => w.identity).join(', ')})` : ''}`,
      r.carries.map(carried).join('; ') || '-',
    ]),
  );
}
