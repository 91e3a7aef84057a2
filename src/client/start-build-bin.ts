import { Command } from 'commander';
import { registerStartBuild } from './commands/build';
import { runProgramMain } from './program';

/** The `start-build` executable: the same command as `steward start-build`. */
const program = new Command();
registerStartBuild(program, 'start-build');
void runProgramMain(program, [process.argv[0] ?? 'node', 'start-build', 'start-build', ...process.argv.slice(2)]);
