/**
 * Preloaded into the worker by bench/scale.ts (`node --require`), and by the worker into its spawn
 * helper: counts the child processes each starts, by program, and writes the counts as JSON to
 * `<STEWARD_SPAWN_COUNT_FILE>.<pid>` every second.
 */
/* global require, process, setInterval */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it runs before any TypeScript can. */
const { ChildProcess } = require('node:child_process');
const { renameSync, writeFileSync } = require('node:fs');
const { basename } = require('node:path');
const { isMainThread } = require('node:worker_threads');

const file = process.env.STEWARD_SPAWN_COUNT_FILE;
// The main thread only: the SDK's workflow threads load this too (they inherit --require) and spawn nothing.
if (file && isMainThread) {
  const counts = {};
  const spawn = ChildProcess.prototype.spawn;
  ChildProcess.prototype.spawn = function countedSpawn(options) {
    const name = basename(String(options && options.file));
    counts[name] = (counts[name] || 0) + 1;
    return spawn.call(this, options);
  };
  // Written whole and renamed into place: a reader never sees half a file.
  setInterval(() => {
    const own = `${file}.${process.pid}`;
    writeFileSync(`${own}.tmp`, JSON.stringify(counts));
    renameSync(`${own}.tmp`, own);
  }, 1000).unref();
}
