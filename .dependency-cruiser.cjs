/**
 * The import directions between the layers of src/ (docs/architecture.md), checked by `npm run lint`.
 * Type-only imports count: a type cycle is a cycle.
 */
const otherThan = (...layers) => `^src/(?!${layers.join('|')})[^/]+/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycle, type-only imports included: split the shared part into its own module (often src/core/state).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-decides',
      severity: 'error',
      comment: 'src/core is pure: it imports only src/core, pure libraries and no Node built-in.',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', '^node_modules/(zod|smol-toml|minisearch)/'] },
    },
    {
      name: 'workflows-sequence',
      severity: 'error',
      comment:
        'Workflow code imports src/core, the Temporal workflow API, and the activities only as types (for proxyActivities).',
      from: { path: '^src/workflows/' },
      to: {
        pathNot: ['^src/(core|workflows)/', '^node_modules/@temporalio/(workflow|common)/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'host-is-plain-io',
      severity: 'error',
      comment:
        'src/host is plain host I/O: it may use src/core, never the layers that use it, nor Temporal (activities map its errors).',
      from: { path: '^src/host/' },
      to: { path: [otherThan('host', 'core'), '^node_modules/@temporalio/'] },
    },
    {
      name: 'activities-touch-the-world',
      severity: 'error',
      comment: 'Activities use src/host and src/core; workflows, workers and the CLI sit above them.',
      from: { path: '^src/activities/' },
      to: { path: otherThan('activities', 'host', 'core') },
    },
    {
      name: 'workers-host-both',
      severity: 'error',
      comment: 'A worker registers workflows and activities; it never imports the CLI or the stand-ins.',
      from: { path: '^src/workers/' },
      to: { path: '^src/(client|agent)/' },
    },
    {
      name: 'stand-ins-stand-alone',
      severity: 'error',
      comment: 'The scripted agent and the model stand-in use src/core and src/host only.',
      from: { path: '^src/agent/' },
      to: { path: otherThan('agent', 'host', 'core') },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
