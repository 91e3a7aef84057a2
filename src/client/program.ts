import type { Command } from 'commander';
import { stewardRoot } from './run-main';
import { registerBuildCommands } from './commands/build';
import { registerServerCommands } from './commands/server';
import { registerConfigCommands } from './commands/config';
import { registerTokensCommand } from './commands/tokens';
import { registerReportCommand } from './commands/report';
import { registerBudgetCommand } from './commands/budget';
import { registerOperateCommands } from './commands/operate';
import { registerLogCommand } from './commands/log';
import { registerCiCommands } from './commands/ci';
import { registerHookCommand } from './commands/hook';
import { registerModelStandinCommand } from './commands/model-standin';
import { registerDoctorCommand } from './commands/doctor';
import { registerDashboardCommand } from './commands/dashboard';
import { registerRetroCommand } from './commands/retro';
import { registerLessonsCommand } from './commands/lessons';
import { registerHostsCommand } from './commands/hosts';

export { exitQuietlyOnClosedPipe, runProgramMain } from './run-main';

export function stewardProgram(): Command {
  const program = stewardRoot();
  registerBuildCommands(program);
  registerServerCommands(program);
  registerConfigCommands(program);
  registerTokensCommand(program);
  registerReportCommand(program);
  registerOperateCommands(program);
  registerBudgetCommand(program);
  registerLogCommand(program);
  registerCiCommands(program);
  registerHookCommand(program);
  registerModelStandinCommand(program);
  registerDoctorCommand(program);
  registerDashboardCommand(program);
  registerRetroCommand(program);
  registerLessonsCommand(program);
  registerHostsCommand(program);
  return program;
}
