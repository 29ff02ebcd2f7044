package cliargs

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// Interspersed moves the flags that follow a command's positional
// arguments in front of them, so `verify FILE --password-file PW` works
// as people type it: urfave/cli v2 stops reading flags at the first
// positional argument. Everything after "--" stays positional. The
// global flags (the app's own, help left out) may be written anywhere;
// they are moved before the command. A completion request is left as it
// is. args[0] is the program's name.
//
// A flag that takes a value but ends the command line (verify F
// --password-file) is put last, with the positional arguments left out,
// so that parsing fails on it ("needs a value") instead of taking the
// next word, "--" or an argument, as its value.
func Interspersed(app *cli.App, global []cli.Flag, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		return args
	}
	var globals, path, flagArgs, positional []string
	dangling := func(flags []cli.Flag, i int) bool {
		a := args[i]
		return i == len(args)-1 && !strings.Contains(a, "=") && takesValue(flags, a)
	}
	cmds, flags := app.Commands, app.Flags
	i := 1
	for ; i < len(args); i++ {
		if isGlobal(global, args[i]) {
			if dangling(global, i) {
				return append(append([]string{args[0]}, globals...), args[i])
			}
			globals, i = appendFlag(globals, global, args, i)
			continue
		}
		c := FindCommand(cmds, args[i])
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
		if isGlobal(global, a) {
			if dangling(global, i) {
				return append(append([]string{args[0]}, globals...), a)
			}
			globals, i = appendFlag(globals, global, args, i)
			continue
		}
		if dangling(flags, i) {
			out := append([]string{args[0]}, globals...)
			out = append(out, path...)
			return append(append(out, flagArgs...), a)
		}
		flagArgs, i = appendFlag(flagArgs, flags, args, i)
	}
	out := append([]string{args[0]}, globals...)
	out = append(out, path...)
	out = append(out, flagArgs...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

// appendFlag appends the flag args[i], one of flags, and its value when
// it takes one and it is the next argument (--to DIR, not --to=DIR), and
// returns the index of the last argument used.
func appendFlag(out []string, flags []cli.Flag, args []string, i int) ([]string, int) {
	out = append(out, args[i])
	if !strings.Contains(args[i], "=") && takesValue(flags, args[i]) && i+1 < len(args) {
		i++
		out = append(out, args[i])
	}
	return out, i
}

// isGlobal reports whether arg is one of the global flags, with or
// without its value.
func isGlobal(global []cli.Flag, arg string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	if !strings.HasPrefix(arg, "-") {
		return false
	}
	for _, f := range global {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
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
