package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/buildinfo"
	"github.com/cakebackup/cakebackup/internal/cliargs"
	"github.com/cakebackup/cakebackup/internal/didyoumean"
)

// helpCommand is `cakebackup help [COMMAND...]`: ours (cliargs.ShowHelp), as
// urfave/cli's is one value that every app and command in the process shares.
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

// completionCommand prints a shell's completion script: bash's and zsh's
// are ours, fish's is made from the command tree.
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
			shell := c.Args().First()
			script, ok := map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": ""}[shell]
			if !ok {
				return usageError(fmt.Errorf("no completion for %q%s: choose bash, zsh or fish", shell, didyoumean.Hint(shell, []string{"bash", "zsh", "fish"})))
			}
			var err error
			if shell == "fish" {
				if script, err = c.App.ToFishCompletion(); err != nil {
					return fmt.Errorf("making the fish completion: %w", err)
				}
			}
			_, err = io.WriteString(e.stdout, script)
			return err
		},
	}
}

// The manual page's DESCRIPTION (in README's words: which backups the app
// can import, and which it cannot) and EXIT STATUS, in roff.
var (
	//go:embed man/description.roff
	manDescription string
	//go:embed man/exit-status.roff
	manExitStatus string
)

// manCommand prints the page urfave/cli makes, with DESCRIPTION before
// the options and EXIT STATUS at the end.
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
			i := strings.Index(page, ".SH GLOBAL OPTIONS")
			if i < 0 {
				return errors.New("making the manual page: no GLOBAL OPTIONS section")
			}
			_, err = io.WriteString(e.stdout, page[:i]+manDescription+page[i:]+manExitStatus)
			return err
		},
	}
}

// versionCommand prints what a bug report needs: the release, the Go
// version, the platform and, when the build recorded it, the commit.
func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the Go version and the platform",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("json") {
				return writeJSON(e.stdout, buildinfo.Of(version))
			}
			_, err := fmt.Fprintln(e.stdout, buildinfo.Of(version).Line(appName))
			return err
		},
	}
}
