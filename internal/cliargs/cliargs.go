// Package cliargs makes a urfave/cli v2 command line read as people type
// it and refuse what it cannot use, with one clear line.
//
// urfave/cli v2 stops reading flags at the first positional argument,
// gives a string flag the next word whatever it is, ignores arguments a
// command does not take, and words its parsing errors for programmers.
// [Interspersed] reorders the arguments before the app runs; [Prepare]
// sets the app up, and with [Strict] wraps every command so that flag
// errors, arguments a command takes none of, and flags given as a path
// are refused as a [*UsageError]; [AppAction] and [ShowHelp] answer an
// unknown command or a request for help, suggesting the closest name
// (package didyoumean); [Completion] and [Manual] print a shell's
// completion script and the manual page; [BoolGiven] reads a boolean
// flag from the command line as typed, for a run that failed before its
// flags were parsed.
//
// The app is expected to have a help command whose action is
// [ShowHelp]: the messages point to `APP help COMMAND`.
package cliargs

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/didyoumean"
)

// UsageError is a mistake in the command line: a flag, a command or an
// argument that is not one, or is not given as it must be. Programs exit
// with their usage code (2) on it.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageError(err error) error { return &UsageError{Err: err} }

// FindCommand returns the command of cmds that answers to name (its name
// or an alias), or nil.
func FindCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// CommandNames lists the names and aliases of cmds, hidden ones left out.
func CommandNames(cmds []*cli.Command) []string {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Names()...)
		}
	}
	return names
}

// CommandPath is the command's path as typed after the program's name,
// such as "schedule status", for a message that names the command.
func CommandPath(c *cli.Context) string {
	var names []string
	for _, l := range c.Lineage() {
		if l.Command != nil && l.Command.Name != "" && l.Command.Name != c.App.Name {
			names = append([]string{l.Command.Name}, names...)
		}
	}
	return strings.Join(names, " ")
}

// Dashed writes a flag name as people type it: -q, --quiet.
func Dashed(name string) string {
	name = strings.TrimLeft(name, "-")
	if len(name) > 1 {
		return "--" + name
	}
	return "-" + name
}

// Prepare sets app up as this package says, once its flags (the global
// ones) and commands are in: [Strict] commands, [AppAction], urfave/cli's
// help command kept out, flag errors as [*UsageError], errors left to
// the program to print, once, as one line, the words [Completion]'s
// scripts ask for, and a repeated flag for a list (a path may hold a
// comma). The app and every command get a help flag of their own (see
// [ownHelp]), added after app.Setup, where urfave/cli's would have been:
// without one "APP --help" failed with "flag: help requested", exit 2.
func Prepare(app *cli.App) *cli.App {
	app.EnableBashCompletion = true
	app.DisableSliceFlagSeparator = true
	app.HideHelpCommand = true
	app.HideHelp = true
	app.Action = AppAction
	app.ExitErrHandler = func(*cli.Context, error) {}
	app.OnUsageError = func(c *cli.Context, err error, _ bool) error {
		return FlagError(c.App.Flags, err)
	}
	Strict(app.Commands, app.Flags)
	app.Setup()
	app.Flags = append(app.Flags, helpFlag())
	ownHelp(app.Commands)
	return app
}

// AppAction is the action of an app whose work is all in its commands:
// without arguments it shows the app's help, with one it says that no
// command has that name.
func AppAction(c *cli.Context) error {
	if c.NArg() > 0 {
		name := c.Args().First()
		return usageError(fmt.Errorf("unknown command %q%s (see %s help)",
			name, didyoumean.Hint(name, CommandNames(c.App.Commands)), c.App.Name))
	}
	return cli.ShowAppHelp(c)
}

// groupAction is the action of a command that only groups others
// (schedule, proton): without a subcommand it shows its help, with an
// unknown one it says so.
func groupAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.ShowSubcommandHelp(c)
	}
	name := c.Args().First()
	return usageError(fmt.Errorf("unknown command \"%s %s\"%s (see %s help %s)",
		c.Command.Name, name, didyoumean.Hint(name, CommandNames(c.Command.Subcommands)), c.App.Name, c.Command.Name))
}
