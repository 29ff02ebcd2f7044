package cliargs

import (
	"errors"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestFlagValueErrors: a value a flag does not take is a usage error
// naming the flag with its two dashes, the value as given, and what the
// flag takes; not the flag package's `invalid value "x" for flag
// -keep-last: parse error`.
func TestFlagValueErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--keep-last", "x"}, `--keep-last: "x" is not a whole number`},
		{[]string{"--keep-last", ""}, `--keep-last: "" is not a whole number`},
		{[]string{"--keep-last", "1e3"}, `--keep-last: "1e3" is not a whole number`},
		{[]string{"--keep-last", "99999999999999999999"}, `--keep-last: "99999999999999999999" is too large a number`},
		{[]string{"--settle", "1 fortnight"}, `--settle: "1 fortnight" is not a length of time, such as 90s, 30m or 24h`},
		{[]string{"-n", "\"quoted\" \x1b"}, `-n: "\"quoted\" \x1b" is not a whole number`},
		{[]string{"--once=maybe"}, `--once: "maybe" is not true or false`},
	}
	for _, tt := range tests {
		var got error
		app := &cli.App{
			Name:           "cb",
			ExitErrHandler: func(*cli.Context, error) {},
			Commands: []*cli.Command{{
				Name: "watch",
				// Not Prepare's app: HideHelp keeps urfave/cli's shared
				// help flag, which parsing writes to, out (-race).
				HideHelp: true,
				Flags: []cli.Flag{
					&cli.IntFlag{Name: "keep-last", Aliases: []string{"n"}},
					&cli.DurationFlag{Name: "settle"},
					&cli.BoolFlag{Name: "once"},
				},
				Action: func(*cli.Context) error { return nil },
			}},
		}
		Strict(app.Commands, nil)
		got = app.Run(append([]string{"cb", "watch"}, tt.args...))
		if got == nil || got.Error() != tt.want || !errors.As(got, new(*UsageError)) {
			t.Errorf("watch %q: %v, want the usage error %q", tt.args, got, tt.want)
		}
	}
}
