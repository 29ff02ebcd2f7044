package main

import (
	_ "embed"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/buildinfo"
	"github.com/cakebackup/cakebackup/internal/cliargs"
)

// helpCommand is ours (cliargs.ShowHelp): urfave/cli's is one value every app and command in the process shares.
func helpCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the commands, or the options of one command",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Action:    cliargs.ShowHelp(e.stdout),
	}
}

// The bash and zsh completion scripts, which ask cakebackup itself for the words that fit, and the
// manual page's DESCRIPTION (which backups the app can import, and which not) and EXIT STATUS, in roff.
var (
	//go:embed completion/cakebackup.bash
	bashCompletion string
	//go:embed completion/cakebackup.zsh
	zshCompletion string
	//go:embed man/description.roff
	manDescription string
	//go:embed man/exit-status.roff
	manExitStatus string
)

// completionCommand prints a shell's completion script (cliargs.Completion).
func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Load it in the running shell, for example:\n" +
			"   source <(cakebackup completion bash)\n" +
			"   cakebackup completion fish | source",
		Action: cliargs.Completion(e.stdout, bashCompletion, zshCompletion),
	}
}

// manCommand prints the manual page, with our DESCRIPTION and EXIT STATUS (cliargs.Manual).
func manCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the manual page (roff), made from the command definitions",
		Description: "Read it with: cakebackup man | man -l -\n" +
			"   or install it: cakebackup man > ~/.local/share/man/man1/cakebackup.1",
		Action: cliargs.Manual(e.stdout, manDescription, manExitStatus),
	}
}

// versionCommand prints what a bug report needs: release, Go version, platform and, if recorded, commit.
func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the Go version and the platform",
		Flags: []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			info := buildinfo.Of(version)
			return e.printResult(c, info, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, info.Line(appName))
				return err
			})
		},
	}
}
