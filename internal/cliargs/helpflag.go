package cliargs

import (
	"slices"

	"github.com/urfave/cli/v2"
)

// helpFlag is a help flag of one app's or command's own, named and worded
// as urfave/cli's HelpFlag. urfave/cli appends its HelpFlag, a single
// package-level *BoolFlag, to every app and command it runs, and parsing
// writes to the flag: apps run side by side in one process (the tests)
// raced on it.
func helpFlag() cli.Flag {
	h, ok := cli.HelpFlag.(*cli.BoolFlag)
	if !ok {
		return &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "show help", DisableDefaultText: true}
	}
	return &cli.BoolFlag{
		Name:               h.Name,
		Aliases:            slices.Clone(h.Aliases),
		Usage:              h.Usage,
		Category:           h.Category,
		DefaultText:        h.DefaultText,
		Hidden:             h.Hidden,
		DisableDefaultText: h.DisableDefaultText,
	}
}

// ownHelp gives every command of cmds, at every depth, a help flag of its
// own in place of urfave/cli's shared one, which HideHelp keeps out. A
// command without subcommands keeps the help urfave/cli showed it
// (--help, -h) with: HideHelp would make that its one-command template.
func ownHelp(cmds []*cli.Command) {
	for _, c := range cmds {
		c.HideHelp = true
		c.Flags = append(c.Flags, helpFlag())
		if len(c.Subcommands) == 0 && c.CustomHelpTemplate == "" {
			c.CustomHelpTemplate = cli.SubcommandHelpTemplate
		}
		ownHelp(c.Subcommands)
	}
}

// isHelp reports whether f is the help flag [ownHelp] gave a command.
func isHelp(f cli.Flag) bool {
	b, ok := f.(*cli.BoolFlag)
	return ok && b.Name == "help" && slices.Equal(b.Aliases, []string{"h"})
}

// asShown is cmds as urfave/cli showed them with its shared help flag,
// for the help, the manual page and the fish completion made from them:
// copies, with HideHelp off, and without their own help flag unless the
// command runs (is in running), urfave/cli having added its flag to a
// command only when it ran.
func asShown(cmds []*cli.Command, running []*cli.Command) []*cli.Command {
	shown := make([]*cli.Command, 0, len(cmds))
	for _, c := range cmds {
		cc := *c
		cc.HideHelp = false
		if !slices.Contains(running, c) {
			cc.Flags = slices.DeleteFunc(slices.Clone(c.Flags), isHelp)
		}
		cc.Subcommands = asShown(c.Subcommands, running)
		shown = append(shown, &cc)
	}
	return shown
}

// runningCommands are the commands c runs in, from the innermost.
func runningCommands(c *cli.Context) []*cli.Command {
	var cmds []*cli.Command
	for _, l := range c.Lineage() {
		if l.Command != nil {
			cmds = append(cmds, l.Command)
		}
	}
	return cmds
}

// shownApp is a copy of c's app as urfave/cli showed it, see [asShown].
func shownApp(c *cli.Context) *cli.App {
	app := *c.App
	app.HideHelp = false
	app.Commands = asShown(c.App.Commands, runningCommands(c))
	return &app
}
