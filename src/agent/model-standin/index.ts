export { startModelStandin } from './server';
export type { ModelStandin, ModelStandinOptions, StandinRequest } from './server';
export { parseStandinScript } from './script';
export type { StandinMode, StandinScript, StandinScriptInput, StandinUsage } from './script';
