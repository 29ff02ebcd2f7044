package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed moves the flags that follow a command's positional
// arguments in front of them, so `verify FILE --password-file PW` works
// as people type it: urfave/cli v2 stops reading flags at the first
// positional argument. Everything after "--" stays positional. Global
// flags (--quiet, --verbose, --version) may be written anywhere; they are
// moved before the command. A completion request is left as it is.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		return args
	}
	var global, path, flagArgs, positional []string
	cmds, flags := app.Commands, app.Flags
	i := 1
	for ; i < len(args); i++ {
		if isGlobalFlag(args[i]) {
			global, i = appendGlobal(global, args, i)
			continue
		}
		c := findCommand(cmds, args[i])
		if c == nil {
			break
		}
		path = append(path, args[i])
		cmds, flags = c.Subcommands, c.Flags
	}
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		if isGlobalFlag(a) {
			global, i = appendGlobal(global, args, i)
			continue
		}
		flagArgs = append(flagArgs, a)
		if !strings.Contains(a, "=") && takesValue(flags, a) && i+1 < len(args) {
			i++
			flagArgs = append(flagArgs, args[i])
		}
	}
	out := append([]string{args[0]}, global...)
	out = append(out, path...)
	out = append(out, flagArgs...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

// appendGlobal appends the global flag args[i], and its value when it
// takes one (--proton-app-version V), and returns the index of the last
// argument used.
func appendGlobal(global, args []string, i int) ([]string, int) {
	global = append(global, args[i])
	if !strings.Contains(args[i], "=") && takesValue(globalFlags(), args[i]) && i+1 < len(args) {
		i++
		global = append(global, args[i])
	}
	return global, i
}

// isGlobalFlag reports whether arg is one of globalFlags.
func isGlobalFlag(arg string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	if !strings.HasPrefix(arg, "-") {
		return false
	}
	for _, f := range globalFlags() {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// takesValue reports whether the flag written as arg (e.g. "--to") is
// followed by a value. Unknown flags are taken to stand alone; parsing
// reports them.
func takesValue(flags []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			_, isBool := f.(*cli.BoolFlag)
			return !isBool
		}
	}
	return false
}

// usageErrorsEverywhere makes flag errors of every command, at every
// depth, usage errors (exit code 2), and so are arguments given to a
// command whose usage names none. It also keeps urfave/cli's shared help
// subcommand out (`cakebackup help schedule` is the way).
func usageErrorsEverywhere(cmds []*cli.Command) {
	for _, c := range cmds {
		flags := slices.Concat(c.Flags, globalFlags())
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return flagUsageError(flags, err) }
		c.HideHelpCommand = true
		if c.Action == nil && len(c.Subcommands) > 0 {
			c.Action = unknownSubcommand
		}
		// A usage of " " marks a command that words the refusal itself
		// (create suggests --source).
		if action := c.Action; action != nil && len(c.Subcommands) == 0 && c.ArgsUsage == "" {
			c.Action = refuseArgs(action)
		}
		if action := c.Action; action != nil {
			c.Action = refuseFlagsAsPaths(append(flags, cli.HelpFlag), action)
		}
		usageErrorsEverywhere(c.Subcommands)
	}
}

// refuseArgs wraps the action of a command whose usage names no
// argument so that it refuses any, before doing anything: an ignored
// argument (`schedule status daily`, `proton logout alice`) would look
// obeyed.
func refuseArgs(action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() > 0 {
			return usageError(errUnexpectedArgs(c))
		}
		return action(c)
	}
}

// refuseFlagsAsPaths wraps the action of a command so that a flag naming
// a file or a folder whose value is one of flags, and names nothing that
// exists, is refused before anything is done: urfave/cli gives a string
// flag the next word whatever it is, so `--password-file --json` would
// read a password from a file called --json and lose --json.
func refuseFlagsAsPaths(flags []cli.Flag, action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		for _, f := range c.Command.Flags {
			what := pathArgument(f)
			name := f.Names()[0]
			if what == "" || !c.IsSet(name) {
				continue
			}
			for _, v := range stringValues(c, f) {
				if _, err := os.Lstat(v); err != nil && isFlag(flags, v) {
					return usageError(fmt.Errorf("%s needs %s; got %s", dashed(name), what, v))
				}
			}
		}
		return action(c)
	}
}

// pathArgument is what a flag whose value names a file or a folder takes,
// "a file name" or "a folder name", as its usage's placeholder (`FILE`,
// `DIR`) says; "" for other flags.
func pathArgument(f cli.Flag) string {
	doc, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return ""
	}
	_, rest, ok := strings.Cut(doc.GetUsage(), "`")
	placeholder, _, closed := strings.Cut(rest, "`")
	switch {
	case !ok || !closed:
		return ""
	case placeholder == "FILE":
		return "a file name"
	case placeholder == "DIR":
		return "a folder name"
	}
	return ""
}

// stringValues are the values given to the string flag f.
func stringValues(c *cli.Context, f cli.Flag) []string {
	switch f := f.(type) {
	case *cli.StringFlag:
		return []string{c.String(f.Name)}
	case *cli.StringSliceFlag:
		return c.StringSlice(f.Name)
	}
	return nil
}

// isFlag reports whether arg is one of flags as written on a command
// line, with one dash or two and without a value: --json, -q.
func isFlag(flags []cli.Flag, arg string) bool {
	name, ok := strings.CutPrefix(arg, "-")
	if !ok {
		return false
	}
	name = strings.TrimPrefix(name, "-")
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return true
		}
	}
	return false
}

// flagUsageError makes a flag parsing error a usage error and, for an
// unknown flag, suggests the closest of flags.
func flagUsageError(flags []cli.Flag, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageError(fmt.Errorf("%s needs a value", dashed(name)))
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		var names []string
		for _, f := range flags {
			for _, n := range f.Names() {
				if len(n) > 1 {
					names = append(names, "--"+n)
				}
			}
		}
		name = dashed(name)
		return usageError(fmt.Errorf("unknown flag %s%s", name, didYouMean("--"+strings.TrimLeft(name, "-"), names)))
	}
	return usageError(err)
}

// unknownSubcommand is the action of a command that only groups others
// (schedule, proton): without a subcommand it shows its help, with an
// unknown one it says so.
func unknownSubcommand(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.ShowSubcommandHelp(c)
	}
	name := c.Args().First()
	return usageError(fmt.Errorf("unknown command \"%s %s\"%s (see cakebackup help %s)",
		c.Command.Name, name, didYouMean(name, commandNames(c.Command.Subcommands)), c.Command.Name))
}

// dashed writes a flag name as people type it: -q, --quiet.
func dashed(name string) string {
	name = strings.TrimLeft(name, "-")
	if len(name) > 1 {
		return "--" + name
	}
	return "-" + name
}
