package cliargs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// globals are the test app's global flags, as cakebackup's.
func globals() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}},
		&cli.BoolFlag{Name: "verbose"},
		&cli.BoolFlag{Name: "version"},
		&cli.StringFlag{Name: "proton-app-version"},
	}
}

// testApp is an app shaped as cakebackup's: commands with file and
// folder flags, one without arguments, and a group. ran records the
// command that ran and its arguments; help goes to out.
func testApp(out *bytes.Buffer, ran *[]string) *cli.App {
	record := func(c *cli.Context) error {
		*ran = append([]string{c.Command.Name}, c.Args().Slice()...)
		return nil
	}
	return Prepare(&cli.App{
		Name:      "cb",
		Writer:    out,
		ErrWriter: out,
		Flags:     globals(),
		Commands: []*cli.Command{
			{Name: "verify", ArgsUsage: "FILE", Action: record, Flags: []cli.Flag{
				&cli.StringFlag{Name: "password-file", Usage: "read the password from `FILE`"},
				&cli.BoolFlag{Name: "password-stdin"},
				&cli.BoolFlag{Name: "json"},
			}},
			{Name: "restore", ArgsUsage: "FILE", Action: record, Flags: []cli.Flag{
				&cli.StringFlag{Name: "to", Usage: "restore into `DIR`"},
			}},
			{Name: "create", Action: record, Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "source", Aliases: []string{"s"}, Usage: "back up `DIR`"},
			}},
			{Name: "ls", ArgsUsage: "DEST", Action: record},
			{Name: "schedule", Subcommands: []*cli.Command{
				{Name: "list", Action: record},
				{Name: "status", Action: record},
			}},
			{Name: "completion", ArgsUsage: "SHELL", Action: Completion(out, "bash script\n", "zsh script\n")},
			{Name: "man", Action: Manual(out, ".SH DESCRIPTION\nd\n", "\n.SH EXIT STATUS\ne\n")},
			{Name: "help", ArgsUsage: "[COMMAND]", Action: ShowHelp(out)},
		},
	})
}

func TestInterspersed(t *testing.T) {
	t.Parallel()
	app := testApp(new(bytes.Buffer), new([]string))
	tests := []struct {
		in, want []string
	}{
		{[]string{"cb"}, []string{"cb"}},
		{[]string{"cb", "verify", "F"}, []string{"cb", "verify", "--", "F"}},
		{[]string{"cb", "verify", "F", "--password-file", "P"}, []string{"cb", "verify", "--password-file", "P", "--", "F"}},
		{[]string{"cb", "verify", "F", "--password-file=P", "--json"}, []string{"cb", "verify", "--password-file=P", "--json", "--", "F"}},
		{[]string{"cb", "verify", "--json", "F", "--password-stdin"}, []string{"cb", "verify", "--json", "--password-stdin", "--", "F"}},
		{[]string{"cb", "restore", "F", "--to", "D"}, []string{"cb", "restore", "--to", "D", "--", "F"}},
		{[]string{"cb", "restore", "--", "-odd-name", "--to", "D"}, []string{"cb", "restore", "--", "-odd-name", "--to", "D"}},
		{[]string{"cb", "create", "--source", "S", "--quiet"}, []string{"cb", "--quiet", "create", "--source", "S"}},
		{[]string{"cb", "-q", "create", "-s", "S"}, []string{"cb", "-q", "create", "-s", "S"}},
		{[]string{"cb", "verify", "F", "--verbose"}, []string{"cb", "--verbose", "verify", "--", "F"}},
		{[]string{"cb", "--proton-app-version", "V", "ls", "proton:/"}, []string{"cb", "--proton-app-version", "V", "ls", "--", "proton:/"}},
		{[]string{"cb", "ls", "proton:/", "--proton-app-version", "V"}, []string{"cb", "--proton-app-version", "V", "ls", "--", "proton:/"}},
		{[]string{"cb", "ls", "proton:/", "--proton-app-version=V"}, []string{"cb", "--proton-app-version=V", "ls", "--", "proton:/"}},
		{[]string{"cb", "schedule", "list", "-q"}, []string{"cb", "-q", "schedule", "list"}},
		{[]string{"cb", "create", "--generate-bash-completion"}, []string{"cb", "create", "--generate-bash-completion"}},
		{[]string{"cb", "nosuch", "x"}, []string{"cb", "--", "nosuch", "x"}},
		{[]string{"cb", "verify", "F", "--help"}, []string{"cb", "verify", "--help", "--", "F"}}, // a command's help, not the app's
		{[]string{"cb", "verify", "F", "--nosuch", "X"}, []string{"cb", "verify", "--nosuch", "--", "F", "X"}},
		// A flag that needs a value but ends the line is left last, so
		// it is refused rather than given "--" or the file as its value.
		{[]string{"cb", "verify", "F", "--json", "--password-file"}, []string{"cb", "verify", "--json", "--password-file"}},
		{[]string{"cb", "-q", "ls", "proton:/", "--proton-app-version"}, []string{"cb", "-q", "--proton-app-version"}},
		{[]string{"cb", "--proton-app-version"}, []string{"cb", "--proton-app-version"}},
	}
	for _, tt := range tests {
		if got := Interspersed(app, globals(), tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Interspersed(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRefusals: what the app cannot use is a *UsageError in one line,
// and the command's action does not run.
func TestRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "--json") // a file really called --json
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string // the error; "" for none
	}{
		{[]string{"verify", "F", "--pasword-file", "P"}, `unknown flag --pasword-file (did you mean "--password-file"?)`},
		{[]string{"verify", "F", "-v"}, `unknown flag -v (did you mean "--verbose" or "--version"?)`},
		{[]string{"-v"}, `unknown flag -v (did you mean "--verbose" or "--version"?)`},
		{[]string{"verify", "--password-file"}, "--password-file needs a value"},
		{[]string{"verify", "F", "--password-file"}, "--password-file needs a value"},
		{[]string{"ls", "proton:/", "--proton-app-version"}, "--proton-app-version needs a value"},
		{[]string{"verify", "F", "--password-file", "--json"}, "--password-file needs a file name; got --json"},
		{[]string{"verify", "F", "--password-file", file}, ""},
		{[]string{"restore", "F", "--to", "-q"}, "--to needs a folder name; got -q"},
		{[]string{"create", "--source", "--help"}, "--source needs a folder name; got --help"},
		// An unset variable in a script: refused, not taken as not given.
		{[]string{"verify", "F", "--password-file", ""}, "--password-file is empty: give a file name"},
		{[]string{"restore", "F", "--to", " "}, "--to is empty: give a folder name"},
		{[]string{"create", "--source", ""}, "--source is empty: give a folder name"},
		{[]string{"create", "--source", "S", "extra"}, "create takes no arguments, got extra"},
		{[]string{"schedule", "status", "daily", "weekly"}, "schedule status takes no arguments, got daily weekly"},
		{[]string{"schedule", "lst"}, `unknown command "schedule lst" (did you mean "list"?) (see cb help schedule)`},
		{[]string{"verfiy", "F"}, `unknown command "verfiy" (did you mean "verify"?) (see cb help)`},
		{[]string{"help", "restroe"}, `no command "restroe" (did you mean "restore"?)`},
		{[]string{"help", "schedule", "lst"}, `no command "schedule lst" (did you mean "list"?)`},
		{[]string{"completion"}, "completion needs one shell: bash, zsh or fish"},
		{[]string{"completion", "bash", "zsh"}, "completion needs one shell: bash, zsh or fish"},
		{[]string{"completion", "bsh"}, `no completion for "bsh" (did you mean "bash" or "zsh"?): choose bash, zsh or fish`},
		{[]string{"schedule", "list"}, ""},
		{[]string{"verify", "F"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			var ran []string
			app := testApp(&out, &ran)
			err := app.RunContext(context.Background(), Interspersed(app, globals(), append([]string{"cb"}, tt.args...)))
			if tt.want == "" {
				if err != nil || ran == nil {
					t.Fatalf("err = %v, ran %q; want the command run", err, ran)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if ue := (*UsageError)(nil); !errors.As(err, &ue) {
				t.Errorf("err is a %T, not a *UsageError", err)
			}
			if ran != nil {
				t.Errorf("%q ran", ran)
			}
		})
	}
}

// TestHelp: the help command, a group without a subcommand and the app
// without a command show the help meant, and a group's lists its
// subcommands.
func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{"cb - ", "verify", "schedule"}},
		{[]string{"help"}, []string{"cb - ", "verify", "schedule"}},
		{[]string{"help", "restore"}, []string{"cb restore", "--to DIR"}},
		{[]string{"help", "schedule"}, []string{"cb schedule", "list", "status"}},
		{[]string{"schedule"}, []string{"list", "status"}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		app := testApp(&out, new([]string))
		if err := app.RunContext(context.Background(), append([]string{"cb"}, tt.args...)); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q shows %q, without %q", tt.args, out.String(), w)
			}
		}
	}
}

func TestPathArgument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag cli.Flag
		want string
	}{
		{&cli.StringFlag{Name: "password-file", Usage: "read it from `FILE`"}, "a file name"},
		{&cli.StringSliceFlag{Name: "source", Usage: "back up `DIR`"}, "a folder name"},
		{&cli.StringFlag{Name: "name", Usage: "call it `NAME`"}, ""},
		{&cli.StringFlag{Name: "odd", Usage: "an unclosed `FILE"}, ""},
		{&cli.BoolFlag{Name: "json", Usage: "print JSON"}, ""},
	}
	for _, tt := range tests {
		if got := PathArgument(tt.flag); got != tt.want {
			t.Errorf("PathArgument(--%s) = %q, want %q", tt.flag.Names()[0], got, tt.want)
		}
	}
}

func TestDashed(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"q": "-q", "-q": "-q", "quiet": "--quiet", "-quiet": "--quiet", "--to": "--to"} {
		if got := Dashed(in); got != want {
			t.Errorf("Dashed(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestScripts: completion prints the shell's script, bash's and zsh's as
// given, fish's made from the commands; man prints the page with the
// description before the global options and the exit status at the end.
func TestScripts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want func(out string) bool
	}{
		{[]string{"completion", "bash"}, func(out string) bool { return out == "bash script\n" }},
		{[]string{"completion", "zsh"}, func(out string) bool { return out == "zsh script\n" }},
		{[]string{"completion", "fish"}, func(out string) bool {
			return strings.Contains(out, "complete -c cb ") && strings.Contains(out, "password-file")
		}},
		{[]string{"man"}, func(out string) bool {
			return strings.HasPrefix(out, ".nh\n.TH cb 1") && strings.HasSuffix(out, "\n.SH EXIT STATUS\ne\n") &&
				strings.Contains(out, "\n.SH DESCRIPTION\nd\n.SH GLOBAL OPTIONS\n")
		}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		app := testApp(&out, new([]string))
		if err := app.RunContext(context.Background(), append([]string{"cb"}, tt.args...)); err != nil || !tt.want(out.String()) {
			t.Errorf("%q: %v, printed %q", tt.args, err, out.String())
		}
	}
}

// TestManualWithoutOptions: a page without its GLOBAL OPTIONS section,
// where the description goes, is refused rather than printed without it.
func TestManualWithoutOptions(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	// HideHelp on the command too keeps urfave/cli's shared help flag,
	// which parsing writes to, out (-race).
	app := &cli.App{Name: "cb", HideHelp: true, Commands: []*cli.Command{{Name: "man", HideHelp: true, Action: Manual(&out, "d", "e")}}}
	err := app.RunContext(context.Background(), []string{"cb", "man"})
	if !errors.Is(err, ErrNoOptions) || err.Error() != "making the manual page: no GLOBAL OPTIONS section" || out.Len() != 0 {
		t.Errorf("err = %v, printed %q; want ErrNoOptions and nothing printed", err, out.String())
	}
}

// TestPrepared: a list flag's value keeps its commas (a path may hold
// one). The completion scripts' question is cmd's TestBashCompletion:
// urfave/cli's answer reads os.Args.
func TestPrepared(t *testing.T) {
	t.Parallel()
	var sources []string
	app := Prepare(&cli.App{Name: "cb", Commands: []*cli.Command{
		{Name: "create", Flags: []cli.Flag{&cli.StringSliceFlag{Name: "source"}}, Action: func(c *cli.Context) error {
			sources = c.StringSlice("source")
			return nil
		}},
		{Name: "help", Action: ShowHelp(io.Discard)},
	}})
	if err := app.RunContext(context.Background(), []string{"cb", "create", "--source", "/a,b", "--source", "c"}); err != nil ||
		!slices.Equal(sources, []string{"/a,b", "c"}) {
		t.Errorf("--source /a,b --source c: %v, got %q", err, sources)
	}
}

// TestOwnHelpFlags runs apps from Prepare side by side, as cakebackup's
// tests do, asking for help every way: each app and command must have a
// help flag of its own, never urfave/cli's shared HelpFlag, which parsing
// writes to (go test -race saw the apps race on it), and the help must
// read as with urfave/cli's: --help, -h on a command and its subcommands,
// `help COMMAND` without them.
func TestOwnHelpFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args      []string
		want, not string
	}{
		{[]string{"--help"}, "--help, -h", ""},
		{[]string{"-h"}, "cb - ", ""},
		{[]string{"restore", "--help"}, "--help, -h", ""},
		{[]string{"restore", "-h"}, "--to DIR", ""},
		{[]string{"schedule", "list", "--help"}, "--help, -h", ""},
		{[]string{"schedule", "--help"}, "status", ""},
		{[]string{"schedule"}, "list", ""},
		{[]string{"help", "restore"}, "--to DIR", "--help"},
		{[]string{"help", "schedule", "list"}, "cb schedule list", "--help"},
		{[]string{"completion", "fish"}, "-l help -s h -d 'show help'", ""},
		{[]string{"man"}, "show help", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			outs := make([]bytes.Buffer, 2)
			apps := make([]*cli.App, 2)
			errs := make(chan error, 2)
			for i := range apps {
				apps[i] = testApp(&outs[i], new([]string))
				go func() { errs <- apps[i].RunContext(context.Background(), append([]string{"cb"}, tt.args...)) }()
			}
			for range apps {
				if err := <-errs; err != nil {
					t.Fatalf("%q: %v", tt.args, err)
				}
			}
			for i, app := range apps {
				out := outs[i].String()
				if !strings.Contains(out, tt.want) || (tt.not != "" && strings.Contains(out, tt.not)) {
					t.Errorf("%q shows %q: want %q, not %q", tt.args, out, tt.want, tt.not)
				}
				if slices.Contains(app.Flags, cli.HelpFlag) {
					t.Errorf("%q: the app has urfave/cli's shared help flag", tt.args)
				}
				var walk func([]*cli.Command)
				walk = func(cmds []*cli.Command) {
					for _, c := range cmds {
						if slices.Contains(c.Flags, cli.HelpFlag) {
							t.Errorf("%q: command %s has urfave/cli's shared help flag", tt.args, c.Name)
						}
						walk(c.Subcommands)
					}
				}
				walk(app.Commands)
			}
		})
	}
}
