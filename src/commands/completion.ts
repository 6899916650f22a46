// `hookscope completion bash|zsh|fish`: completion scripts generated from the command line's
// description (src/cli/describe.ts) and the vendor catalog, so new commands, vendors and events
// complete without edits.
import type { CommandSpec } from '../cli/describe.js';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { vendors } from '../vendors/index.js';

export interface CompletionOptions {
  shell: 'bash' | 'zsh' | 'fish';
  /** The commands, options and arguments to complete. */
  program: CommandSpec[];
}

interface Spec {
  commands: CommandSpec[];
  vendorIds: string[];
  eventsByVendor: Map<string, string[]>;
}

function spec(commands: CommandSpec[]): Spec {
  const eventsByVendor = new Map<string, string[]>();
  // `call` too, for vendors with a call script: `send <vendor> call` plays a whole call.
  for (const v of vendors) for (const id of [v.id, ...v.aliases]) eventsByVendor.set(id, [...v.events.map((e) => e.name), ...(v.callScript ? ['call'] : [])]);
  return { commands, vendorIds: [...eventsByVendor.keys()], eventsByVendor };
}

const words = (list: Iterable<string>) => [...list].join(' ');
const allEvents = (s: Spec) => words(new Set([...s.eventsByVendor.values()].flat()));

/** Commands whose first argument is a vendor id (and second, when named so, an event). */
const vendorFirst = (s: Spec) => s.commands.filter((c) => c.args[0] && isVendorArg(c.args[0].name));
const isVendorArg = (name: string) => name === 'vendor' || name === 'id';

function bash(s: Spec): string {
  const valueFlags = [...new Set(s.commands.flatMap((c) => c.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))].filter((f) => f !== '--vendor');
  const positional = s.commands
    .map((c) => {
      const arms = c.args.map((a, i) => {
        const reply = isVendorArg(a.name)
          ? `COMPREPLY=($(compgen -W "${words(s.vendorIds)}" -- "$cur"))`
          : a.name === 'event'
            ? `COMPREPLY=($(compgen -W "$(_hookscope_events "$vendor")" -- "$cur"))`
            : a.choices
              ? `COMPREPLY=($(compgen -W "${words(a.choices)}" -- "$cur"))`
              : `COMPREPLY=($(compgen -f -- "$cur"))`;
        return `        ${a.variadic ? '*' : i}) ${reply} ;;`;
      });
      return `    ${c.name})\n      case $pos in\n${arms.join('\n')}\n      esac ;;`;
    })
    .join('\n');
  const eventCases = [...s.eventsByVendor].map(([v, es]) => `    ${v}) echo "${words(es)}" ;;`).join('\n');
  const optCases = s.commands
    .map((c) => `    ${c.name}) opts="${words(c.options.flatMap((o) => o.flags))} --help" ;;`)
    .join('\n');
  const choiceCases = s.commands
    .flatMap((c) => c.options.filter((o) => o.choices).map((o) => `      ${o.flags.join('|')}) COMPREPLY=($(compgen -W "${words(o.choices!)}" -- "$cur")); return ;;`))
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('\n');
  return `# hookscope bash completion. Install: hookscope completion bash > /etc/bash_completion.d/hookscope
# (or append to ~/.bashrc)
_hookscope_events() {
  case "$1" in
${eventCases}
    *) echo "${allEvents(s)}" ;;
  esac
}
_hookscope() {
  local cur prev cmd i vendor opts pos
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="" vendor="" pos=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      --vendor) vendor="\${COMP_WORDS[i+1]}"; i=$((i + 1)) ;;
      ${valueFlags.join('|')}) i=$((i + 1)) ;;
      -*) ;;
      *) if [[ -z "$cmd" ]]; then cmd="\${COMP_WORDS[i]}"; else pos=$((pos + 1)); [[ $pos -eq 1 && -z "$vendor" && " ${words(vendorFirst(s).map((c) => c.name))} " == *" $cmd "* ]] && vendor="\${COMP_WORDS[i]}"; fi ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${words(s.commands.map((c) => c.name))} --help --version --no-color --debug" -- "$cur"))
    return
  fi
  case "$prev" in
    --vendor) COMPREPLY=($(compgen -W "${words(s.vendorIds)}" -- "$cur")); return ;;
    --event) COMPREPLY=($(compgen -W "$(_hookscope_events "$vendor")" -- "$cur")); return ;;
  esac
  case "$prev" in
${choiceCases}
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${optCases}
      *) opts="--help" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case "$cmd" in
${positional}
  esac
}
complete -o default -F _hookscope hookscope
`;
}

function zsh(s: Spec): string {
  const esc = (t: string) => t.replace(/'/g, "'\\''").replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/:/g, '\\:');
  const vendorsList = words(s.vendorIds);
  const eventCases = [...s.eventsByVendor].map(([v, es]) => `    ${v}) reply=(${words(es)}) ;;`).join('\n');
  const argSpec = (a: Spec['commands'][number]['args'][number], i: number) => {
    const pos = a.variadic ? '*' : String(i + 1);
    if (isVendorArg(a.name)) return `'${pos}:vendor:(${vendorsList})'`;
    if (a.name === 'event') return `'${pos}:event:->event'`;
    if (a.choices) return `'${pos}:${a.name}:(${words(a.choices)})'`;
    return `'${pos}:${a.name}:_files'`;
  };
  const optSpec = (o: Spec['commands'][number]['options'][number]) => {
    const long = o.flags.find((f) => f.startsWith('--'));
    if (!long) return [];
    const desc = esc(o.description);
    const value = long === '--vendor' ? `:vendor:(${vendorsList})` : long === '--event' ? ':event:->event' : long === '--data' ? ':file:_files' : o.choices ? `:${long.slice(2)}:(${words(o.choices)})` : o.takesValue ? `:${long.slice(2)}:` : '';
    return o.flags.map((f) => `'${f}[${desc}]${value}'`);
  };
  const cases = s.commands
    .map((c) => `        ${c.name}) _arguments -C ${[...c.options.flatMap(optSpec), ...c.args.map(argSpec)].join(' ')} && ret=0 ;;`)
    .join('\n');
  return `#compdef hookscope
# hookscope zsh completion. Install: hookscope completion zsh > "\${fpath[1]}/_hookscope"
_hookscope_events() {
  case $1 in
${eventCases}
    *) reply=(${allEvents(s)}) ;;
  esac
}
_hookscope() {
  local curcontext="$curcontext" state line ret=1 vendor i
  local -a commands reply
  commands=(${s.commands.map((c) => `'${c.name}:${esc(c.summary.replace(/ \(e\.g\..*$/, ''))}'`).join(' ')})
  _arguments -C '(-v --version)'{-v,--version}'[print the version]' '(-h --help)'{-h,--help}'[show help]' '--no-color[disable colours]' '--debug[show stack traces]' '1: :->command' '*:: :->args' && ret=0
  case $state in
    command) _describe -t commands 'hookscope command' commands && ret=0 ;;
    args)
      case $words[1] in
${cases}
      esac
      if [[ $state == event ]]; then
        vendor=""
        i=\${words[(i)--vendor]}
        if (( i < \${#words} )); then vendor=\${words[i+1]}; elif [[ $words[1] == (${vendorFirst(s).map((c) => c.name).join('|')}) ]]; then vendor=\${words[2]}; fi
        _hookscope_events "$vendor"
        compadd -a reply && ret=0
      fi
      ;;
  esac
  return ret
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _hookscope "$@"; else compdef _hookscope hookscope; fi
`;
}

function fish(s: Spec): string {
  const q = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    '# hookscope fish completion. Install: hookscope completion fish > ~/.config/fish/completions/hookscope.fish',
    'complete -c hookscope -f',
    `complete -c hookscope -n __fish_use_subcommand -l help -d 'show help'`,
    `complete -c hookscope -n __fish_use_subcommand -l version -d 'show version'`,
  ];
  for (const c of s.commands) {
    lines.push(`complete -c hookscope -n __fish_use_subcommand -a ${c.name} -d ${q(c.summary.replace(/ \(e\.g\..*$/, ''))}`);
    for (const o of c.options) {
      const long = o.flags.find((f) => f.startsWith('--'))?.slice(2);
      const short = o.flags.find((f) => /^-[^-]/.test(f))?.slice(1);
      if (!long) continue;
      const choices = long === 'vendor' ? s.vendorIds : o.choices;
      lines.push(
        `complete -c hookscope -n '__fish_seen_subcommand_from ${c.name}' -l ${long}${short ? ` -s ${short}` : ''}${choices ? ' -x' : o.takesValue ? ' -r' : ''}${choices ? ` -a ${q(words(choices))}` : ''}`,
      );
    }
  }
  const fileArgs = s.commands.filter((c) => c.args.some((a) => !isVendorArg(a.name) && a.name !== 'event' && !a.choices)).map((c) => c.name);
  if (fileArgs.length) lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from ${fileArgs.join(' ')}' -F`);
  lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from ${vendorFirst(s).map((c) => c.name).join(' ')}; and test (count (commandline -opc)) -eq 2' -a ${q(words(s.vendorIds))}`);
  for (const c of s.commands) {
    const choice = c.args.find((a) => a.choices);
    if (choice) lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from ${c.name}' -a ${q(words(choice.choices!))}`);
  }
  const eventArg = s.commands.filter((c) => c.args[1]?.name === 'event').map((c) => c.name);
  const eventOption = s.commands.filter((c) => c.options.some((o) => o.flags.includes('--event'))).map((c) => c.name);
  for (const [v, es] of s.eventsByVendor) {
    if (eventArg.length) lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from ${eventArg.join(' ')}; and contains -- ${v} (commandline -opc)' -a ${q(words(es))}`);
    if (eventOption.length) lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from ${eventOption.join(' ')}; and contains -- ${v} (commandline -opc)' -l event -r -a ${q(words(es))}`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(options: CompletionOptions): string {
  const s = spec(options.program);
  return options.shell === 'bash' ? bash(s) : options.shell === 'zsh' ? zsh(s) : fish(s);
}

export async function run(options: CompletionOptions, io: CommandIO): Promise<ExitCodeValue> {
  io.stdout.write(completionScript(options));
  return ExitCode.ok;
}
