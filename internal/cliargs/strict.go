package cliargs

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/didyoumean"
)

// Strict makes flag errors of every command of cmds, at every depth,
// usage errors, and so are arguments given to a command whose usage
// (ArgsUsage) names none, and a flag taking a file or folder given one of
// the command's flags (see [PathArgument]). A command that only groups
// others shows its help, or refuses an unknown subcommand. urfave/cli's
// shared help subcommand is kept out: `APP help COMMAND` is the way.
// global are the app's flags, which every command takes.
//
// A command whose ArgsUsage is " " takes arguments and words its own
// refusal of them.
func Strict(cmds []*cli.Command, global []cli.Flag) {
	for _, c := range cmds {
		flags := slices.Concat(c.Flags, global)
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return FlagError(flags, err) }
		c.HideHelpCommand = true
		if c.Action == nil && len(c.Subcommands) > 0 {
			c.Action = groupAction
		}
		if action := c.Action; action != nil && len(c.Subcommands) == 0 && c.ArgsUsage == "" {
			c.Action = refuseArgs(action)
		}
		if action := c.Action; action != nil {
			c.Action = refuseFlagsAsPaths(append(flags, helpFlag()), action)
		}
		Strict(c.Subcommands, global)
	}
}

// refuseArgs wraps the action of a command whose usage names no
// argument so that it refuses any, before doing anything: an ignored
// argument (`schedule status daily`, `proton logout alice`) would look
// obeyed.
func refuseArgs(action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() > 0 {
			return usageError(fmt.Errorf("%s takes no arguments, got %s", CommandPath(c), strings.Join(c.Args().Slice(), " ")))
		}
		return action(c)
	}
}

// refuseFlagsAsPaths wraps the action of a command so that a flag naming
// a file or a folder whose value is empty, or is one of flags and names
// nothing that exists, is refused before anything is done: urfave/cli gives a string
// flag the next word whatever it is, so `--password-file --json` would
// read a password from a file called --json and lose --json.
func refuseFlagsAsPaths(flags []cli.Flag, action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		for _, f := range c.Command.Flags {
			what := PathArgument(f)
			name := f.Names()[0]
			if what == "" || !c.IsSet(name) {
				continue
			}
			for _, v := range stringValues(c, f) {
				if strings.TrimSpace(v) == "" {
					// An unset variable in a script (--config "$CFG"):
					// taken as not given, it would use the default
					// config, or no settings, without a word.
					return usageError(fmt.Errorf("%s is empty: give %s", Dashed(name), what))
				}
				if _, err := os.Lstat(v); err != nil && isFlag(flags, v) {
					return usageError(fmt.Errorf("%s needs %s; got %s", Dashed(name), what, v))
				}
			}
		}
		return action(c)
	}
}

// PathArgument is what a flag whose value names a file or a folder takes,
// "a file name" or "a folder name", as its usage's placeholder (`FILE`,
// `DIR`) says; "" for other flags.
func PathArgument(f cli.Flag) string {
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

// FlagError makes urfave/cli's flag parsing error err a usage error in
// people's words and, for an unknown flag, suggests the closest of
// flags. It is meant for OnUsageError; [Strict] sets it on commands.
func FlagError(flags []cli.Flag, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageError(fmt.Errorf("%s needs a value", Dashed(name)))
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
		name = Dashed(name)
		return usageError(fmt.Errorf("unknown flag %s%s", name, didyoumean.Hint("--"+strings.TrimLeft(name, "-"), names)))
	}
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		value, uerr := strconv.Unquote(m[1])
		if uerr != nil {
			value = m[1]
		}
		return usageError(fmt.Errorf("%s: %q %s", Dashed(m[2]), value, wantValue(flags, m[2], m[3])))
	}
	return usageError(err)
}

// invalidValue matches the flag package's error for a value its flag
// does not take: `invalid value "x" for flag -keep-last: parse error`,
// `invalid boolean value "x" for -json: parse error`.
var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-([^:]+): (.*)$`)

// wantValue says what the flag of flags called name takes, for a value
// the flag package refused with reason.
func wantValue(flags []cli.Flag, name, reason string) string {
	var flag cli.Flag
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			flag = f
		}
	}
	switch flag.(type) {
	case *cli.IntFlag, *cli.Int64Flag, *cli.UintFlag, *cli.Uint64Flag:
		if reason == "value out of range" {
			return "is too large a number"
		}
		return "is not a whole number"
	case *cli.Float64Flag:
		return "is not a number"
	case *cli.DurationFlag:
		return "is not a length of time, such as 90s, 30m or 24h"
	case *cli.BoolFlag:
		return "is not true or false"
	}
	return "is not a value it takes (" + reason + ")"
}
