package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/cliargs"
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
