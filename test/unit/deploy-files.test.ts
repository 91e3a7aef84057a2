/**
 * Static checks of the deployment files. The compose file is read structurally (support/compose-file.ts);
 * the shell scripts embedded in it are syntax-checked with `sh -n`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/definitions';
import {
  block,
  compose,
  isContent,
  keys,
  lines,
  list,
  ROOT,
  scalar,
  script,
  service,
  services,
} from './support/compose-file';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

// ── docker-compose.temporal.yml ───────────────────────────────────────────────────────────────────

describe('docker-compose.temporal.yml', () => {
  it('is written in the subset this test reads: spaces only, no anchors or aliases', () => {
    expect(compose).not.toMatch(/\t/);
    expect(compose).not.toMatch(/^\s*[\w-]+:\s*[&*]/m);
    expect(compose).not.toMatch(/<<:/);
  });

  it('has PostgreSQL, the schema step, the server, the search-attribute setup and the Web UI', () => {
    expect(keys(services, 2)).toEqual(['postgresql', 'temporal-schema', 'temporal', 'temporal-setup', 'temporal-ui']);
  });

  it('says why each service is there (a comment right above it)', () => {
    for (const name of keys(services, 2)) {
      const at = lines.findIndex((l) => l === `  ${name}:`);
      expect(lines[at - 1]).toMatch(/^\s*#/);
    }
  });

  it('pins every image to a version', () => {
    for (const name of keys(services, 2)) {
      const image = scalar(service(name), 'image', 4) ?? '';
      expect(image).toMatch(/^[\w./-]+:\d+(\.\d+)+$/);
    }
  });

  it('uses temporalio/server (auto-setup is deprecated) with admin-tools of the same version', () => {
    const server = scalar(service('temporal'), 'image', 4) ?? '';
    expect(server).toMatch(/^temporalio\/server:/);
    const version = server.split(':')[1];
    expect(scalar(service('temporal-schema'), 'image', 4)).toBe(`temporalio/admin-tools:${version}`);
    expect(scalar(service('temporal-setup'), 'image', 4)).toBe(`temporalio/admin-tools:${version}`);
    expect(compose).not.toMatch(/image:\s*temporalio\/auto-setup/);
  });

  it('keeps PostgreSQL data in a named volume', () => {
    const volumes = block(lines, 'volumes', 0);
    expect(keys(volumes, 2)).toEqual(['steward-temporal-postgres']);
    expect(list(service('postgresql'), 'volumes', 4)).toEqual(['steward-temporal-postgres:/var/lib/postgresql/data']);
  });

  it('points the server at PostgreSQL', () => {
    const env = block(service('temporal'), 'environment', 4);
    expect(scalar(env, 'DB', 6)).toBe('postgres12');
    expect(scalar(env, 'POSTGRES_SEEDS', 6)).toBe('postgresql');
    expect(scalar(env, 'DYNAMIC_CONFIG_FILE_PATH', 6)).toBe('config/dynamicconfig/docker.yaml');
  });

  it('publishes gRPC on 7233 and the Web UI on 8233 → 8080, and nothing else', () => {
    expect(list(service('temporal'), 'ports', 4)).toEqual(['7233:7233']);
    expect(list(service('temporal-ui'), 'ports', 4)).toEqual(['8233:8080']);
    for (const name of ['postgresql', 'temporal-schema', 'temporal-setup'])
      expect(block(service(name), 'ports', 4)).toEqual([]);
    expect(scalar(block(service('temporal-ui'), 'environment', 4), 'TEMPORAL_ADDRESS', 6)).toBe('temporal:7233');
  });

  it('starts in order: database healthy → schema done → server healthy → setup and UI', () => {
    const dependsOn = (name: string, on: string): string | undefined =>
      scalar(block(block(service(name), 'depends_on', 4), on, 6), 'condition', 8);
    expect(dependsOn('temporal-schema', 'postgresql')).toBe('service_healthy');
    expect(dependsOn('temporal', 'temporal-schema')).toBe('service_completed_successfully');
    expect(dependsOn('temporal-setup', 'temporal')).toBe('service_healthy');
    expect(dependsOn('temporal-ui', 'temporal')).toBe('service_healthy');
    for (const name of ['postgresql', 'temporal'])
      expect(block(service(name), 'healthcheck', 4).length).toBeGreaterThan(0);
  });

  it('registers exactly the search attributes the workflow sets, all as Keyword', () => {
    const { shell } = script('temporal-setup');
    const loop = /for name in ([\w ]+); do/.exec(shell);
    expect(loop).not.toBeNull();
    const registered = (loop?.[1] ?? '').trim().split(/\s+/);
    expect(registered.sort()).toEqual(SEARCH_ATTRIBUTES.map((a) => a.name).sort());
    for (const attribute of SEARCH_ATTRIBUTES) expect(attribute.type).toBe(SearchAttributeType.KEYWORD);
    expect(shell).toMatch(/temporal operator search-attribute create [^\n]*--name "\$name" --type Keyword/);
  });

  it('the embedded scripts are valid sh, and escape every `$` from Compose', () => {
    for (const name of ['temporal-schema', 'temporal-setup']) {
      const { raw, shell } = script(name);
      expect(raw).not.toMatch(/(^|[^$])\$(?!\$)/m); // a lone $ would be interpolated by Compose
      expect(() => execFileSync('sh', ['-n'], { input: shell })).not.toThrow();
      expect(shell.split('\n')[0]).toBe('set -eu');
    }
  });

  it('the schema step sets up both databases from the image schema', () => {
    const { shell } = script('temporal-schema');
    expect(shell).toMatch(/^setup temporal temporal$/m);
    expect(shell).toMatch(/^setup temporal_visibility visibility$/m);
    expect(shell).toContain('/etc/temporal/schema/postgresql/v12/');
  });
});

// ── Dockerfile ────────────────────────────────────────────────────────────────────────────────────

describe('Dockerfile', () => {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter(isContent)
    .map((l) => l.trim());
  const runtime = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
  const nodeVersion = /^ARG NODE_VERSION=(\S+)$/m.exec(dockerfile)?.[1] ?? '';

  it('builds on Node 20 (Debian) in both stages', () => {
    expect(nodeVersion).toMatch(/^20\.\d+\.\d+$/);
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms).toHaveLength(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm(-slim)?\b/);
  });

  it('installs tmux and git from Debian in the runtime image', () => {
    const apt = runtime.find((l) => /apt-get install/.test(l)) ?? '';
    expect(apt).toMatch(/\btmux\b/);
    expect(apt).toMatch(/\bgit\b/);
  });

  it('runs npm ci and npm run build', () => {
    expect(instructions).toContain('RUN npm run build');
    expect(instructions.some((l) => /^RUN npm ci\b/.test(l))).toBe(true);
    expect(runtime.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
  });

  it('runs `node bin/steward worker` as a non-root user', () => {
    const cmd = runtime.find((l) => l.startsWith('CMD '));
    expect(JSON.parse(cmd?.slice(4) ?? 'null')).toEqual(['node', 'bin/steward', 'worker']);
    const user = runtime.filter((l) => l.startsWith('USER ')).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)\b/);
    expect(runtime.indexOf(user as string)).toBeLessThan(runtime.indexOf(cmd as string));
  });

  it('sets TEMPORAL_ADDRESS and STEWARD_HOST_ID', () => {
    const env = runtime.filter((l) => l.startsWith('ENV ')).join(' ');
    expect(env).toMatch(/\bTEMPORAL_ADDRESS=\S+/);
    expect(env).toMatch(/\bSTEWARD_HOST_ID=\S+/);
  });

  it('documents that agents run inside and what to mount', () => {
    expect(dockerfile).toMatch(/tmux/);
    expect(dockerfile).toMatch(/\.claude/);
    expect(dockerfile).toMatch(/work repositories/);
  });

  it('copies only paths that exist, and the launcher finds the compiled CLI where the build puts it', () => {
    for (const line of instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) expect(existsSync(join(ROOT, source))).toBe(true);
    }
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(readFileSync(join(ROOT, 'bin', 'steward'), 'utf8')).toContain("require('../dist/client/cli.js')");
    expect(JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')).compilerOptions.outDir).toBe('dist');
  });
});
