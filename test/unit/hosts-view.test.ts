import { hostRows, hostsToDescribe } from '../../src/core/hosts-view';
import { renderHosts } from '../../src/client/render/hosts';
import { configFor } from './support/build-state';

const config = configFor(`
name = "spread"
[[agent]]
name = "builder"
kickoff = "Build."
[[agent]]
name = "adversary"
kickoff = "Verify."
cwd = "adversary"
host = "gpu-2"
[[service]]
name = "db"
command = ["postgres"]
host = "gpu-2"
[loop]
repo = "work"
phases = [{ id = "p1" }]
`);
const solo = configFor(`
name = "solo"
[[agent]]
name = "worker"
kickoff = "Work."
`);

describe('steward hosts', () => {
  const builds = [
    { build: 'spread', hostId: 'box-1', config },
    { build: 'solo', hostId: 'box-1', config: solo },
  ];

  test('every host of every running build, with its live workers and what each build has there', () => {
    expect(hostsToDescribe(builds)).toEqual(['box-1', 'gpu-2']);
    const rows = hostRows(builds, {
      'box-1': [
        { identity: '11@box-1', ageSeconds: 3 },
        { identity: '9@box-1', ageSeconds: 400 },
      ],
      'gpu-2': null,
    });
    expect(rows).toEqual([
      {
        host: 'box-1',
        queue: 'steward@box-1',
        workers: [
          { identity: '11@box-1', ageSeconds: 3 },
          { identity: '9@box-1', ageSeconds: 400 },
        ],
        live: 1,
        carries: [
          { build: 'spread', agents: ['builder'], services: [], loop: true, own: true },
          { build: 'solo', agents: ['worker'], services: [], loop: false, own: true },
        ],
      },
      {
        host: 'gpu-2',
        queue: 'steward@gpu-2',
        workers: null,
        live: 0,
        carries: [{ build: 'spread', agents: ['adversary'], services: ['db'], loop: false, own: false }],
      },
    ]);
    const lines = renderHosts(rows);
    expect(lines[0]).toMatch(/^HOST\s+WORKERS\s+CARRIES$/);
    expect(lines[1]).toMatch(
      /^box-1\s+1 live \(11@box-1, 9@box-1\)\s+spread: builder, the repo, its log; solo: worker, its log$/,
    );
    expect(lines[2]).toMatch(/^gpu-2\s+unknown\s+spread: adversary, service db$/);
  });

  test('no running builds', () => {
    expect(renderHosts(hostRows([], {}))).toEqual(['no running builds']);
  });
});
