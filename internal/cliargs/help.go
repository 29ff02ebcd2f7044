package cliargs

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/didyoumean"
)

// ShowHelp is the action of an app's own help command, `APP help
// [COMMAND [SUBCOMMAND]]`, printing on w. An app has its own because
// urfave/cli's is a single package-level value which every app and
// command in the process appends to itself.
func ShowHelp(w io.Writer) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() == 0 {
			return cli.ShowAppHelp(c)
		}
		cmds, path := c.App.Commands, []string{c.App.Name}
		var cmd *cli.Command
		for _, name := range c.Args().Slice() {
			cmd = FindCommand(cmds, name)
			if cmd == nil {
				return usageError(fmt.Errorf("no command %q%s", strings.Join(append(path[1:], name), " "), didyoumean.Hint(name, CommandNames(cmds))))
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
		cli.HelpPrinter(w, tmpl, cmd)
		return nil
	}
}

// subcommandHelpTemplate is urfave/cli's help of a command with
// subcommands, listing them without their categories: a command's
// categories are only filled in when it runs, not when help shows it,
// and the template that reads them stopped the help before its list of
// subcommands.
var subcommandHelpTemplate = strings.Replace(cli.SubcommandHelpTemplate,
	`{{template "visibleCommandCategoryTemplate" .}}`, `{{template "visibleCommandTemplate" .}}`, 1)
