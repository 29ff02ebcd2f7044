package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/schedule"
)

// watchCommand is `cakebackup watch [DIR]`: inbox.Inbox in the foreground.
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
			opts := inbox.Options{Dir: c.Args().First(), RemoveAfterSend: c.Bool("remove-after-send"), Retention: keep,
				Settle: c.Duration("settle"), Poll: c.Duration("poll")}
			if err := opts.Check(e.getenv); err != nil {
				return usageError(watchCheckErr(err))
			}
			var err error
			if opts.Dests, err = e.chosenDests(c); err != nil {
				return err
			}
			if opts.Password, err = e.optionalPassword(c); err != nil {
				return err
			}
			in, err := opts.Open(c.Context, e.registry().Open, e.getenv, e.log())
			if err != nil { // Ctrl-C at the question which stick: run says "interrupted" with the signal's code
				return inboxErr(err)
			}
			if c.Bool("once") {
				_, err := in.Once(c.Context)
				return inboxErr(err)
			}
			// Said once it holds the folder: a watch refused because
			// another one ships from it fails in one line.
			in.Started = func() { fmt.Fprintln(e.stderr, opts.WatchingLine()) }
			return inboxErr(in.Watch(c.Context))
		},
	}
}

// watchCheckErr says what inbox.Options.Check refused with the flag or
// argument that gives it.
func watchCheckErr(err error) error {
	var keep *schedule.NegativeKeepError
	var neg *inbox.NegativeError
	var downloads *inbox.DownloadsError
	switch {
	case errors.As(err, &keep):
		return fmt.Errorf("--%s: %d is negative: give how many backups to keep", strings.ReplaceAll(keep.Rule, "_", "-"), keep.N)
	case errors.As(err, &neg):
		return fmt.Errorf("--%s: %s is negative", neg.Setting, neg.D)
	case errors.As(err, &downloads):
		return fmt.Errorf("watch needs a DIR: %w", downloads.Err)
	}
	return err
}

// inboxErr gives an inbox's errors the CLI's wording; nil stays nil.
func inboxErr(err error) error {
	switch {
	case errors.Is(err, inbox.ErrDestIsInbox):
		return usageError(fmt.Errorf("%w: give another --dest", err))
	case errors.Is(err, inbox.ErrBusy):
		return fmt.Errorf("%w: only one `cakebackup watch` or watch job at a time ships from a folder", err)
	}
	return jobErr(err)
}
