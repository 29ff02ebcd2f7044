package cliargs

import (
	"errors"
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
		cli.HelpPrinter(w, tmpl, asShown([]*cli.Command{cmd}, runningCommands(c))[0])
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

// ErrNoOptions is the failure of a manual page made without its GLOBAL
// OPTIONS section, where [Manual] puts the description.
var ErrNoOptions = errors.New("no GLOBAL OPTIONS section")

// Manual is the action of an app's `APP man`, printing on w the manual
// page urfave/cli makes from the command definitions (section 1: user
// commands) with description, in roff, before the options and
// exitStatus at the end.
func Manual(w io.Writer, description, exitStatus string) cli.ActionFunc {
	return func(c *cli.Context) error {
		page, err := shownApp(c).ToManWithSection(1)
		if err != nil {
			return fmt.Errorf("making the manual page: %w", err)
		}
		i := strings.Index(page, ".SH GLOBAL OPTIONS")
		if i < 0 {
			return fmt.Errorf("making the manual page: %w", ErrNoOptions)
		}
		_, err = io.WriteString(w, page[:i]+description+page[i:]+exitStatus)
		return err
	}
}
