package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// Shell completion scripts. They ask cakebackup itself for the words
// that fit (urfave/cli's --generate-bash-completion), so they follow the
// command tree without being regenerated. They never ask with a "--"
// among the words: urfave/cli then runs the command instead, so a Tab
// after "send FILE --" would have sent FILE.
const (
	bashCompletion = `# bash completion for cakebackup: source <(cakebackup completion bash)
_cakebackup() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts w ask=$cur
  COMPREPLY=()
  # After a "--" cakebackup would run the command rather than list words:
  # leave those to file names. A "--" being typed asks with "-" instead.
  for w in "${words[@]:1}"; do
    [[ $w == -- ]] && return 0
  done
  [[ $ask == -- ]] && ask=-
  if [[ $cur == -* ]]; then
    opts=$("${words[@]}" "$ask" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o bashdefault -o default -F _cakebackup cakebackup
`
	zshCompletion = `#compdef cakebackup
# zsh completion for cakebackup: source <(cakebackup completion zsh)
_cakebackup() {
  local -a opts
  local cur=${words[-1]} ask=${words[-1]} w
  # After a "--" cakebackup would run the command rather than list words:
  # leave those to file names. A "--" being typed asks with "-" instead.
  for w in "${(@)words[2,-2]}"; do
    if [[ $w == -- ]]; then
      _files
      return
    fi
  done
  [[ $ask == -- ]] && ask=-
  if [[ $cur == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} $ask --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ -n ${opts[1]} ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _cakebackup cakebackup
`
)

func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Load it in the running shell, for example:\n" +
			"   source <(cakebackup completion bash)\n" +
			"   cakebackup completion fish | source",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError(errors.New("completion needs one shell: bash, zsh or fish"))
			}
			switch shell := c.Args().First(); shell {
			case "bash":
				_, err := io.WriteString(e.stdout, bashCompletion)
				return err
			case "zsh":
				_, err := io.WriteString(e.stdout, zshCompletion)
				return err
			case "fish":
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return fmt.Errorf("making the fish completion: %w", err)
				}
				_, err = io.WriteString(e.stdout, script)
				return err
			default:
				return usageError(fmt.Errorf("no completion for %q%s: choose bash, zsh or fish", shell, didYouMean(shell, []string{"bash", "zsh", "fish"})))
			}
		},
	}
}

func manCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the manual page (roff), made from the command definitions",
		Description: "Read it with: cakebackup man | man -l -\n" +
			"   or install it: cakebackup man > ~/.local/share/man/man1/cakebackup.1",
		Action: func(c *cli.Context) error {
			page, err := c.App.ToManWithSection(1) // section 1: user commands
			if err != nil {
				return fmt.Errorf("making the manual page: %w", err)
			}
			_, err = io.WriteString(e.stdout, page)
			return err
		},
	}
}

// errUnexpectedArgs is the usage error of a command that takes no
// arguments.
func errUnexpectedArgs(c *cli.Context) error {
	return fmt.Errorf("%s takes no arguments, got %s", commandPath(c), strings.Join(c.Args().Slice(), " "))
}

// commandPath is the command's path as typed after the program's name,
// such as "schedule status", for a message that names the command.
func commandPath(c *cli.Context) string {
	var names []string
	for _, l := range c.Lineage() {
		if l.Command != nil && l.Command.Name != "" && l.Command.Name != appName {
			names = append([]string{l.Command.Name}, names...)
		}
	}
	return strings.Join(names, " ")
}
