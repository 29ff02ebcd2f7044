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
			page, err = withManSections(page)
			if err != nil {
				return err
			}
			_, err = io.WriteString(e.stdout, page)
			return err
		},
	}
}

// manDescription is the manual page's DESCRIPTION (roff), in README's
// words: which backups the app can import, and which it cannot.
const manDescription = `.SH DESCRIPTION
cakebackup deals with two kinds of backup.

.PP
\fBApp exports\fP are made by the wallet app (Settings > Backup, with the
password it shows once). Only a backup the app exported can go back into the
app: use one to move to a new phone or desktop. \fBsend\fP and \fBwatch\fP
check an export (no password needed) and copy it, byte for byte, to each
destination; cakebackup never changes an export's bytes.

.PP
\fBcakebackup snapshots\fP are made by \fBcakebackup create\fP from a
desktop wallet data folder. A snapshot restores with \fBcakebackup restore\fP
only: the app cannot import it, since no third party can make the app-sealed
keychain dump the app's import needs.

.PP
\fBcakebackup inspect FILE\fP tells the two kinds apart.

`

// manExitStatus is the manual page's EXIT STATUS section (roff).
const manExitStatus = `
.SH EXIT STATUS
.TP
.B 0
success
.TP
.B 1
failure: I/O, destination, network
.TP
.B 2
usage error: a flag, an argument or a named thing that cannot be right, or a
password or folder nobody can be asked for, with no terminal
.TP
.B 3
wrong password
.TP
.B 4
damaged file, or not a backup
.TP
.B 130
interrupted (Ctrl-C); \fB143\fP for SIGTERM. Only \fBwatch\fP (without
\fB--once\fP) and \fBschedule run\fP (without \fB--now\fP) exit 0 after a
clean stop.
`

// withManSections adds DESCRIPTION (before the options) and EXIT STATUS
// (at the end) to the page urfave/cli made.
func withManSections(page string) (string, error) {
	const options = ".SH GLOBAL OPTIONS"
	i := strings.Index(page, options)
	if i < 0 {
		return "", errors.New("making the manual page: no GLOBAL OPTIONS section")
	}
	return page[:i] + manDescription + page[i:] + manExitStatus, nil
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
