// undici, through its public entry, in a module of its own: src/http/client.ts imports this
// lazily, so only the commands that send load undici (it is most of what they load).
import { Agent, type Dispatcher } from 'undici';

export function createPool(): Dispatcher {
  return new Agent();
}
