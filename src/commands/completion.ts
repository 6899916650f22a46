// `hookscope completion bash|zsh|fish`: completion scripts generated from the commander
// program and the vendor catalog, so new commands, vendors and events complete without edits.
import type { Command } from 'commander';
import { buildProgram } from '../program.js';
import { vendors } from '../vendors/index.js';

interface Spec {
  commands: { name: string; summary: string; options: { flags: string[]; choices?: string[]; takesValue: boolean }[] }[];
  vendorIds: string[];
  eventsByVendor: Map<string, string[]>;
}

function spec(program: Command): Spec {
  const eventsByVendor = new Map<string, string[]>();
  for (const v of vendors) for (const id of [v.id, ...v.aliases]) eventsByVendor.set(id, v.events.map((e) => e.name));
  return {
    commands: program.commands.map((c) => ({
      name: c.name(),
      summary: c.summary() || c.description(),
      options: c.options.map((o) => ({
        flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
        choices: o.argChoices,
        takesValue: o.required || o.optional,
      })),
    })),
    vendorIds: [...eventsByVendor.keys()],
    eventsByVendor,
  };
}

const words = (list: Iterable<string>) => [...list].join(' ');
const allEvents = (s: Spec) => words(new Set([...s.eventsByVendor.values()].flat()));

function bash(s: Spec): string {
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
      --event|--format) i=$((i + 1)) ;;
      -*) ;;
      *) if [[ -z "$cmd" ]]; then cmd="\${COMP_WORDS[i]}"; else pos=$((pos + 1)); [[ $pos -eq 1 && -z "$vendor" ]] && vendor="\${COMP_WORDS[i]}"; fi ;;
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
    schema)
      if [[ $pos -eq 0 ]]; then COMPREPLY=($(compgen -W "${words(s.vendorIds)}" -- "$cur"));
      elif [[ $pos -eq 1 ]]; then COMPREPLY=($(compgen -W "$(_hookscope_events "$vendor")" -- "$cur")); fi ;;
    vendors) [[ $pos -eq 0 ]] && COMPREPLY=($(compgen -W "${words(s.vendorIds)}" -- "$cur")) ;;
    completion) [[ $pos -eq 0 ]] && COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -o default -F _hookscope hookscope
`;
}

function zsh(s: Spec): string {
  // zsh runs the bash function through bashcompinit: one completion logic for both shells.
  return `#compdef hookscope
# hookscope zsh completion. Install: hookscope completion zsh > "\${fpath[1]}/_hookscope"
# (or: source <(hookscope completion zsh) in ~/.zshrc)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(s).split('\n').filter((l) => !l.startsWith('# hookscope bash') && !l.startsWith('# (or append')).join('\n')}`;
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
        `complete -c hookscope -n '__fish_seen_subcommand_from ${c.name}' -l ${long}${short ? ` -s ${short}` : ''}${o.takesValue ? ' -r' : ''}${choices ? ` -a ${q(words(choices))}` : ''}`,
      );
    }
  }
  lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from validate' -F`);
  lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from schema vendors; and test (count (commandline -opc)) -eq 2' -a ${q(words(s.vendorIds))}`);
  lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'`);
  for (const [v, es] of s.eventsByVendor) {
    lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from schema; and contains -- ${v} (commandline -opc)' -a ${q(words(es))}`);
    lines.push(`complete -c hookscope -n '__fish_seen_subcommand_from validate; and contains -- ${v} (commandline -opc)' -l event -r -a ${q(words(es))}`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionCommand(shell: 'bash' | 'zsh' | 'fish'): string {
  const s = spec(buildProgram(async () => {}));
  return shell === 'bash' ? bash(s) : shell === 'zsh' ? zsh(s) : fish(s);
}
