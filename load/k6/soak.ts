// k6 run [-e BASE_URL=http://localhost:4000] load/k6/soak.ts — soak (see load/scenarios.ts)
import { scenarios } from '../scenarios.ts';
import { k6Script } from './lib.ts';

const script = k6Script(scenarios['soak']);
export const options = script.options;
export const setup = script.setup;
export default script.run;
