import type { BudgetConfig, PhaseConfig } from '../config/types';

/** What an operator asks of a running build (through updates; `steward` and `temporal` CLIs). */
export type OperatorCommand =
  | { type: 'pause'; reason: string }
  | { type: 'resume' }
  | { type: 'advance' }
  | { type: 'appendPhases'; phases: PhaseConfig[] }
  | { type: 'nudge'; agent: string; message?: string }
  | { type: 'restart'; agent: string }
  | { type: 'setBudget'; budget: BudgetConfig };
