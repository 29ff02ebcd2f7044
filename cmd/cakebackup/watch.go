package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

func watchCommand(e *env) *cli.Command {
	var keep schedule.Retention // set by --keep-*
	return &cli.Command{
		Name:      "watch",
		Usage:     "ship every backup the wallet app exports into a folder (default: Downloads) to destinations, each once",
		ArgsUsage: "[DIR]",
		Description: "Runs in the foreground until stopped (Ctrl-C). A file in DIR is an export when its content is a\n" +
			"backup (checked as `send` checks it), whatever its name; it is looked at once its size stayed the\n" +
			"same for --settle. Each export is stored unchanged at every --dest with a read-back check, once:\n" +
			"a state file remembers what went where, across restarts and renames. --keep-* prune the copies it\n" +
			"shipped at each destination, never DIR. For unattended use, see `schedule add JOB --watch DIR`.",
		Flags: append(append([]cli.Flag{
			destFlag(),
			defaultDestConfigFlag(),
			&cli.BoolFlag{Name: "remove-after-send", Usage: "delete an export from DIR once every destination holds a verified copy"},
			&cli.BoolFlag{Name: "once", Usage: "look once (waiting for files still being written), ship, and exit"},
			&cli.DurationFlag{Name: "settle", Value: inbox.DefaultSettle, Usage: "how long a file must stay unchanged (`DURATION`) before it is checked"},
			&cli.DurationFlag{Name: "poll", Value: inbox.DefaultPoll, Usage: "look at the whole folder every `DURATION`, whatever file system events say"},
		}, keepFlags(&keep)...), passwordFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageError(fmt.Errorf("watch takes one folder, got %d", c.NArg()))
			}
			if err := checkWatchFlags(c, keep); err != nil {
				return err
			}
			dir := c.Args().First()
			if dir == "" {
				d, err := local.DownloadsDir(e.getenv)
				if err != nil {
					return usageError(fmt.Errorf("watch needs a DIR: %w", err))
				}
				dir = d
			}
			dir, err := filepath.Abs(dir)
			if err != nil {
				return usageError(err)
			}
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return usageError(fmt.Errorf("%s is not a folder to watch", dir))
			}
			specs, err := e.chosenDests(c)
			if err != nil {
				return err
			}
			pw, err := e.optionalPassword(c)
			if err != nil {
				return err
			}
			paths, err := schedule.DefaultPaths(e.getenv)
			if err != nil {
				return err
			}
			reg := e.registry()
			if err := askDrive(c.Context, reg, specs); err != nil {
				return err
			}
			in, err := inbox.New(dir, specs, reg.Open, paths, e.getenv, e.log())
			if err != nil {
				return inboxErr(err)
			}
			in.Password, in.RemoveAfterSend, in.Retention = pw, c.Bool("remove-after-send"), keep
			in.Settle, in.Poll = c.Duration("settle"), c.Duration("poll")
			// A destination that is DIR reached through a link, or two
			// that are one folder, would fail every pass: refuse them now.
			if err := in.CheckDests(c.Context); err != nil {
				return inboxErr(err)
			}
			if c.Bool("once") {
				_, err := in.Once(c.Context)
				return inboxErr(err)
			}
			// Said once it holds the folder: a watch refused because
			// another one ships from it fails in one line.
			in.Started = func() {
				fmt.Fprintf(e.stderr, "Watching %s for the wallet app's exports; shipping them to %s. Stop with Ctrl-C.\n", dir, strings.Join(specs, ", "))
			}
			return inboxErr(in.Watch(c.Context))
		},
	}
}

// askDrive asks now which stick a bare "usb" among specs means, when
// several are plugged in and there is a terminal to ask on: reg keeps the
// answer for the whole watch. Asked here, the question waits for the
// person as long as it takes and Ctrl-C ends it; asked by CheckDests, it
// would be bounded by inbox.OpenTimeout, meant for network destinations,
// and asked again by the first pass. A question left unanswered (or
// answered with no drive) ends the watch: the person who gave usb is
// there to pick one. A drive that is not plugged in is not an error
// here: the passes say so until it is.
func askDrive(ctx context.Context, reg *destinations.Registry, specs []string) error {
	for _, spec := range specs {
		if s, err := destinations.ParseSpec(spec); err != nil || s.Scheme != "usb" || s.Arg != "" {
			continue
		}
		d, err := reg.Open(ctx, spec)
		switch {
		case err == nil:
			_ = d.Close() // the first pass opens it again, with no question
		case ctx.Err() != nil:
			return withSignalCode(ctx, asInterruption(ctx, err))
		case errors.Is(err, local.ErrNoDriveChosen):
			return err
		}
	}
	return nil
}

// inboxErr gives an inbox's errors the CLI's wording.
func inboxErr(err error) error {
	switch {
	case errors.Is(err, inbox.ErrDestIsInbox):
		return usageError(fmt.Errorf("%w: give another --dest", err))
	case errors.Is(err, inbox.ErrBusy):
		return fmt.Errorf("%w: only one `cakebackup watch` or watch job at a time ships from a folder", err)
	case err != nil:
		return jobErr(err)
	}
	return nil
}

// checkWatchFlags refuses --keep-* counts and --settle and --poll
// lengths below zero, where a negative count would prune every copy
// watch ships, and a negative length would stand for the default.
func checkWatchFlags(c *cli.Context, keep schedule.Retention) error {
	var neg *schedule.NegativeKeepError
	if errors.As(keep.Check(), &neg) {
		return usageError(fmt.Errorf("--%s: %d is negative: give how many backups to keep", strings.ReplaceAll(neg.Rule, "_", "-"), neg.N))
	}
	for _, name := range []string{"settle", "poll"} {
		if d := c.Duration(name); d < 0 {
			return usageError(fmt.Errorf("--%s: %s is negative", name, d))
		}
	}
	return nil
}
