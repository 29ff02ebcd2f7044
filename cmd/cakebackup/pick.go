package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/picker"
	"github.com/cakebackup/cakebackup/picker/protondrive"
	"github.com/cakebackup/cakebackup/schedule"
)

// pickTitle is the title of the desktop's folder chooser.
const pickTitle = "Choose where to save your wallet backups"

func pickCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "pick",
		Usage: "choose where backups go by browsing, and print its --dest spec",
		Description: "Opens the desktop's folder chooser, or without a desktop a terminal picker that\n" +
			"browses folders, removable drives and (when logged in) Proton Drive.\n" +
			"Only the chosen spec is printed on stdout, so dest=$(cakebackup pick) works.",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "terminal", Aliases: []string{"t"}, Usage: "use the terminal picker even on a desktop (it also browses Proton Drive)"},
			&cli.BoolFlag{Name: "save-default", Usage: "save the choice as the default destination in the config file"},
			&cli.StringFlag{Name: "save-to-job", Usage: "save the choice as the destination of scheduled job `NAME`"},
			configFlag(),
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError(err)
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(fmt.Errorf("pick takes no arguments, got %q", c.Args().First()))
			}
			choice := schedule.DestChoice{Default: c.Bool("save-default"), Job: c.String("save-to-job")}
			if c.IsSet("save-to-job") && choice.Job == "" {
				return usageError(errors.New("--save-to-job needs a job name"))
			}
			config := "" // where the choice is saved; "" for nowhere
			if choice.Default || choice.Job != "" {
				p, err := e.configPath(c.String("config"))
				if err != nil {
					return err
				}
				// Refused before anything is asked: a file that does
				// not load, a job it does not hold; the person's to
				// fix, as for every command that reads the config.
				if err := unknownJobErr(p, choice.Check(p)); err != nil {
					return usageError(err)
				}
				config = p
			}
			spec, err := e.pick(c.Context, c.Bool("terminal"), "see `cakebackup dests` for the destinations there are")
			if err != nil {
				return err
			}
			var replaced []string
			if config != "" {
				if replaced, err = choice.Save(config, spec); err != nil {
					return unknownJobErr(config, err)
				}
			}
			if _, err := fmt.Fprintln(e.stdout, spec); err != nil {
				return fmt.Errorf("print the chosen destination: %w", err)
			}
			choice.WriteSaved(e.stderr, config, spec, replaced)
			return nil
		},
	}
}

// pickDest lets the person choose a destination by browsing and returns
// its --dest spec; `create --pick` uses it. Cancelling returns an error
// wrapping picker.ErrNoDestination ("no destination chosen"); Ctrl-C in
// the terminal picker one wrapping picker.ErrInterrupted, exit code 130.
func (e *env) pickDest(ctx context.Context) (string, error) {
	return e.pick(ctx, false, "give --dest SPEC instead of --pick (see `cakebackup dests`)")
}

// pick lets the person choose a destination with picker.Chooser: the
// desktop's folder chooser, or the terminal picker (always when
// terminalOnly). instead says what the command line can give in place of
// the picker, for when there is no terminal to show it on.
func (e *env) pick(ctx context.Context, terminalOnly bool, instead string) (string, error) {
	spec, err := picker.Chooser{
		Title: pickTitle, GOOS: runtime.GOOS, Getenv: e.getenv, Drives: e.detector().Drives,
		Stdin: e.stdin, Stderr: e.stderr, TerminalOnly: terminalOnly,
		More: func() []picker.FolderSource {
			if p, ok := protondrive.LoggedIn(e.getenv, e.keyring); ok {
				return []picker.FolderSource{p}
			}
			return nil
		},
		Fallback: func(err error) {
			fmt.Fprintf(e.stderr, "cakebackup: %s; using the terminal picker\n", errloc.OneLine(err.Error()))
		},
	}.Choose(ctx)
	switch {
	case errors.Is(err, picker.ErrNoTerminal):
		// Nobody to ask, as for a password (restore, --password-out):
		// the command line must say it instead.
		return "", usageError(fmt.Errorf("%w: run it in a terminal, or %s", err, instead))
	case errors.Is(err, picker.ErrInterrupted):
		// Ctrl-C, which the picker's raw terminal read as a key: the
		// same end as Ctrl-C anywhere else.
		return "", withCode(130, err)
	}
	return spec, err
}

// unknownJobErr makes a job the config file does not hold a usage error.
func unknownJobErr(config string, err error) error {
	if errors.Is(err, schedule.ErrUnknownJob) {
		return usageError(fmt.Errorf("%s: %w", config, err))
	}
	return err
}
