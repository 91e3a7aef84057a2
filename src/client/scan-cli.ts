/**
 * The entry `bin/steward` starts for `steward tokens scan …`: the same `tokens scan` (and the same
 * `tokens` options around it, so a command line parses the same), under the same root command and
 * main routine, without loading the rest of the program. The full program costs ~0.5 s and ~80 MB
 * before the first transcript is read (the Temporal client most of it); a scan needs none of it.
 */
import { defineTokensCommand, registerTokensScan } from './commands/tokens-scan';
import { runProgramMain, stewardRoot } from './run-main';

const program = stewardRoot();
registerTokensScan(defineTokensCommand(program));
void runProgramMain(program, process.argv);
