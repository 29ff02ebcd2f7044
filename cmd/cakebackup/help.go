package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/cliargs"
	"github.com/cakebackup/cakebackup/internal/didyoumean"
)

// helpCommand is `cakebackup help [COMMAND...]`. It is ours, not
// urfave/cli's: that one is a single package-level value which every app
// and command in the process appends to itself.
func helpCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the commands, or the options of one command",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Action:    cliargs.ShowHelp(e.stdout),
	}
}

// Shell completion scripts. They ask cakebackup itself for the words
// that fit (urfave/cli's --generate-bash-completion), so they follow the
// command tree without being regenerated. They never ask with a "--"
// among the words: urfave/cli then runs the command instead, so a Tab
// after "send FILE --" would have sent FILE.
var (
	//go:embed completion/cakebackup.bash
	bashCompletion string
	//go:embed completion/cakebackup.zsh
	zshCompletion string
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
				return usageError(fmt.Errorf("no completion for %q%s: choose bash, zsh or fish", shell, didyoumean.Hint(shell, []string{"bash", "zsh", "fish"})))
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
//
//go:embed man/description.roff
var manDescription string

// manExitStatus is the manual page's EXIT STATUS section (roff).
//
//go:embed man/exit-status.roff
var manExitStatus string

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
