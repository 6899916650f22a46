// A reference for bench/startup.js: the least a command-line tool built on commander does for
// `--help`: load commander, declare a program with hookscope's seven commands (names, arguments,
// one-line descriptions; no options, no actions) and let commander print the help. bench/startup.js
// bundles it into one ES module the way scripts/build.js bundles the CLI (esbuild, commander
// inside, a require() from node:module for commander's own) and times it beside `hookscope --help`:
// what is left between the two is hookscope's own start-up.
import { Command } from 'commander';

const program = new Command('reference').description('commander alone, with the command list of hookscope').version('0.0.0');
for (const [name, description] of [
  ['listen', 'receive webhooks locally with a live feed'],
  ['send <vendor> <event>', 'sign and send a vendor event to a URL'],
  ['validate <paths...>', "validate saved payloads against each vendor's schema"],
  ['replay <paths...>', "deliver fixtures or a listen log on each vendor's retry schedule"],
  ['vendors [id]', 'list vendors and events'],
  ['schema <vendor> <event>', 'print the JSON Schema of an event'],
  ['completion <shell>', 'print a shell completion script'],
]) {
  program.command(name).description(description);
}
program.parse();
