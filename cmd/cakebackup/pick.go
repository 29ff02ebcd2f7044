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

// pickCommand is `cakebackup pick`: the picker's choice, printed and saved.
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
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(fmt.Errorf("pick takes no arguments, got %q", c.Args().First()))
			}
			choice := schedule.DestChoice{Default: c.Bool("save-default"), Job: c.String("save-to-job")}
			if c.IsSet("save-to-job") && choice.Job == "" {
				return usageError(errors.New("--save-to-job needs a job name"))
			}
			configPath := func() (string, error) { return e.configPath(c.String("config")) }
			picked, err := choice.Pick(configPath, func() (string, error) {
				return e.pick(c.Context, c.Bool("terminal"), "see `cakebackup dests` for the destinations there are")
			})
			switch {
			case errors.As(err, new(*schedule.NotSavableError)), errors.Is(err, schedule.ErrUnknownJob):
				return usageError(err) // the config file's, as for every command that reads it
			case err != nil:
				return err
			}
			if _, err := fmt.Fprintln(e.stdout, picked.Spec); err != nil {
				return fmt.Errorf("print the chosen destination: %w", err)
			}
			picked.WriteSaved(e.stderr)
			return nil
		},
	}
}

// pick is picker.Chooser's choice (the terminal picker when terminalOnly);
// instead says what the command line gives in its place without a terminal.
func (e *env) pick(ctx context.Context, terminalOnly bool, instead string) (string, error) {
	spec, err := picker.Chooser{
		Title: pickTitle, GOOS: runtime.GOOS, Getenv: e.getenv, Drives: e.detector().Drives,
		Stdin: e.stdin, Stderr: e.stderr, TerminalOnly: terminalOnly, More: protondrive.More(e.getenv, e.keyring),
		Fallback: func(err error) {
			fmt.Fprintf(e.stderr, "cakebackup: %s; using the terminal picker\n", errloc.OneLine(err.Error()))
		},
	}.Choose(ctx)
	switch {
	case errors.Is(err, picker.ErrNoTerminal):
		// Nobody to ask, as for a password: the command line must say it.
		return "", usageError(fmt.Errorf("%w: run it in a terminal, or %s", err, instead))
	case errors.Is(err, picker.ErrInterrupted):
		// Ctrl-C, read as a key by the raw terminal, ends as it does anywhere.
		return "", withCode(130, err)
	}
	return spec, err
}
