package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// helpCommand is `cakebackup help [COMMAND...]`. It is ours, not
// urfave/cli's: that one is a single package-level value which every app
// and command in the process appends to itself.
func helpCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the commands, or the options of one command",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			cmds, path := c.App.Commands, []string{c.App.Name}
			var cmd *cli.Command
			for _, name := range c.Args().Slice() {
				cmd = findCommand(cmds, name)
				if cmd == nil {
					return usageError(fmt.Errorf("no command %q%s", strings.Join(append(path[1:], name), " "), didYouMean(name, commandNames(cmds))))
				}
				path = append(path, cmd.Name)
				cmds = cmd.Subcommands
			}
			if cmd.HelpName == "" {
				cmd.HelpName = strings.Join(path, " ")
			}
			tmpl := cli.CommandHelpTemplate
			if len(cmd.Subcommands) > 0 {
				tmpl = subcommandHelpTemplate
			}
			cli.HelpPrinter(e.stdout, tmpl, cmd)
			return nil
		},
	}
}

// subcommandHelpTemplate is urfave/cli's help of a command with
// subcommands, listing them without their categories: a command's
// categories are only filled in when it runs, not when help shows it,
// and the template that reads them stopped the help before its list of
// subcommands.
var subcommandHelpTemplate = strings.Replace(cli.SubcommandHelpTemplate,
	`{{template "visibleCommandCategoryTemplate" .}}`, `{{template "visibleCommandTemplate" .}}`, 1)

// commandNames lists the names and aliases of cmds, hidden ones left out.
func commandNames(cmds []*cli.Command) []string {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Names()...)
		}
	}
	return names
}
