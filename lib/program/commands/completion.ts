import { Command, GLOBAL_OPTIONS, output, UsageError } from './command';

/**
 * `eaf-cdk8s completion bash|zsh`: the shell completion script, generated from the command table that drives `--help`
 * (one authority: a new command or option completes without an edit here). Written by hand: the CLI parses with
 * Node's util.parseArgs, and the completion libraries (omelette, tabtab, yargs' and commander's) each need their own
 * parser or a hook that runs the CLI on every Tab; a static script needs neither and starts no process.
 */

/** The shells a script is generated for. */
const SHELLS = ['bash', 'zsh'] as const;

/** The command's options as `--name` (every command's `--quiet` and `--help` too), those that take a value apart. */
function flags(command: Command): { all: string[]; valued: string[] } {
  const options = Object.entries({ ...command.options, ...GLOBAL_OPTIONS });
  return {
    all: [...options.map(([name]) => `--${name}`), '--help'],
    valued: options.filter(([, o]) => o.type === 'string').map(([name]) => `--${name}`),
  };
}

/** A word as a single-quoted shell string (bash and zsh alike). */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The bash script: `complete -F` with a function that completes commands, then each command's options and words. */
export function bashCompletion(commands: Readonly<Record<string, Command>>): string {
  const cases = Object.entries(commands).map(([name, command]) => {
    const { all, valued } = flags(command);
    const words = command.words === undefined ? '' : ` words=${quoted(command.words.join(' '))};`;
    return `    ${name}) flags=${quoted(all.join(' '))}; valued=${quoted(valued.join(' '))};${words} ;;`;
  });
  return [
    '# bash completion for eaf-cdk8s, generated from its command table by `eaf-cdk8s completion bash`.',
    '# Load it with: source <(eaf-cdk8s completion bash), or save it as ~/.local/share/bash-completion/completions/eaf-cdk8s',
    '_eaf_cdk8s() {',
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} flags= valued= words=',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=($(compgen -W ${quoted([...Object.keys(commands), '--help', '--version'].join(' '))} -- "$cur"))`,
    '    return',
    '  fi',
    '  case ${COMP_WORDS[1]} in',
    ...cases,
    '    *) return ;;',
    '  esac',
    '  if [[ -n $valued && " $valued " == *" $prev "* ]]; then',
    '    COMPREPLY=($(compgen -f -- "$cur"))',
    '  elif [[ $cur == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
    '  elif [[ -n $words && $COMP_CWORD -eq 2 ]]; then',
    '    COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '  else',
    '    COMPREPLY=($(compgen -f -- "$cur"))',
    '  fi',
    '}',
    'complete -o filenames -F _eaf_cdk8s eaf-cdk8s',
    '',
  ].join('\n');
}

/** The zsh script: `_describe` for the commands, `_arguments` with each command's options and words. */
export function zshCompletion(commands: Readonly<Record<string, Command>>): string {
  const described = Object.entries(commands).map(([name, c]) => `    ${quoted(`${name}:${c.summary.replace(/\s+/g, ' ')}`)}`);
  const cases = Object.entries(commands).map(([name, command]) => {
    const { all, valued } = flags(command);
    const specs = all.map((flag) => quoted(valued.includes(flag) ? `${flag}=:${flag.slice(2)}:_files` : flag));
    const first = command.words === undefined ? "'*:file:_files'" : quoted(`1:${name}:(${command.words.join(' ')})`);
    return `    ${name}) _arguments -s ${[...specs, quoted('-q'), first].join(' ')} ;;`;
  });
  return [
    '#compdef eaf-cdk8s',
    '# zsh completion for eaf-cdk8s, generated from its command table by `eaf-cdk8s completion zsh`.',
    '# Load it with: source <(eaf-cdk8s completion zsh) after compinit, or save it as _eaf-cdk8s in a folder of $fpath.',
    '_eaf_cdk8s() {',
    '  local -a commands',
    '  commands=(',
    ...described,
    '  )',
    '  if (( CURRENT == 2 )); then',
    "    _describe -t commands 'eaf-cdk8s command' commands",
    '    return',
    '  fi',
    '  shift words; (( CURRENT-- ))',
    '  case $words[1] in',
    ...cases,
    '  esac',
    '}',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _eaf_cdk8s "$@"; else compdef _eaf_cdk8s eaf-cdk8s; fi',
    '',
  ].join('\n');
}

/** The `completion` command over `table` (the CLI's own, given late: it lists this command too). */
export function completionCommand(table: () => Readonly<Record<string, Command>>): Command {
  return {
    summary: 'print the shell completion script for bash or zsh (source <(eaf-cdk8s completion bash))',
    usage: 'eaf-cdk8s completion bash|zsh',
    help: [
      'Prints a script that completes the commands, their options and their fixed words, generated from the same',
      'command table as --help. bash: source <(eaf-cdk8s completion bash) in ~/.bashrc, or save it as',
      '~/.local/share/bash-completion/completions/eaf-cdk8s. zsh: source <(eaf-cdk8s completion zsh) after compinit',
      'in ~/.zshrc, or save it as _eaf-cdk8s in a folder of $fpath.',
    ].join('\n'),
    options: {},
    words: SHELLS,
    run: ({ positionals }, io) => {
      const shell = positionals[0];
      if (positionals.length !== 1 || !(SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(
          `completion takes the shell: ${SHELLS.join(' or ')}${positionals.length === 0 ? '' : ` (got ${positionals.join(' ')})`}`,
        );
      }
      output(io, shell === 'bash' ? bashCompletion(table()) : zshCompletion(table()));
      return 0;
    },
  };
}
