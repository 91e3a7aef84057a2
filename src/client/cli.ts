import { runProgramMain, stewardProgram } from './program';

void runProgramMain(stewardProgram(), process.argv);
