package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
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
			&cli.StringFlag{Name: "config", Usage: "config `FILE` holding a saved default destination"},
			&cli.BoolFlag{Name: "remove-after-send", Usage: "delete an export from DIR once every destination holds a verified copy"},
			&cli.BoolFlag{Name: "once", Usage: "look once (waiting for files still being written), ship, and exit"},
			&cli.DurationFlag{Name: "settle", Value: inbox.DefaultSettle, Usage: "how long a file must stay unchanged (`DURATION`) before it is checked"},
			&cli.DurationFlag{Name: "poll", Value: inbox.DefaultPoll, Usage: "look at the whole folder every `DURATION`, whatever file system events say"},
		}, keepFlags()...), passwordFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageError(fmt.Errorf("watch takes one folder, got %d", c.NArg()))
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
			pw, _, err := e.optionalPassword(c)
			if err != nil {
				return err
			}
			in, err := e.newInbox(dir, specs, slog.New(slog.NewTextHandler(e.stderr, nil)))
			if err != nil {
				return err
			}
			in.Password, in.RemoveAfterSend, in.Retention = pw, c.Bool("remove-after-send"), retentionFromFlags(c)
			in.Settle, in.Poll = c.Duration("settle"), c.Duration("poll")
			if c.Bool("once") {
				_, err := in.Once(c.Context)
				return inboxErr(err)
			}
			fmt.Fprintf(e.stderr, "Watching %s for the wallet app's exports; shipping them to %s. Stop with Ctrl-C.\n", dir, strings.Join(specs, ", "))
			return inboxErr(in.Watch(c.Context))
		},
	}
}

// newInbox is an inbox over dir shipping to specs, with the CLI's
// destinations and its state file next to the scheduler's, named for dir:
// `watch DIR` and a watch job on DIR share it, so what one shipped the
// other never ships again, and they never ship from DIR at once.
func (e *env) newInbox(dir string, specs []string, log *slog.Logger) (*inbox.Inbox, error) {
	for _, s := range specs {
		if e.isFolder(s, dir) {
			return nil, usageError(fmt.Errorf("destination %s is the watched folder %s: give another --dest", s, dir))
		}
	}
	paths, err := schedule.DefaultPaths(e.getenv)
	if err != nil {
		return nil, err
	}
	return &inbox.Inbox{
		Dir:   dir,
		Dests: specs,
		Open:  e.registry().Open,
		State: filepath.Join(filepath.Dir(paths.State), "inbox-"+shortHash(dir)+".json"),
		Log:   log,
	}, nil
}

// isFolder reports whether spec stores into the folder dir: a folder:
// spec naming it, or downloads when dir is the Downloads folder.
func (e *env) isFolder(spec, dir string) bool {
	s, err := destinations.ParseSpec(spec)
	if err != nil {
		return false
	}
	var path string
	switch s.Scheme {
	case "folder":
		path = s.Arg
	case "downloads":
		if path, err = local.DownloadsDir(e.getenv); err != nil {
			return false
		}
	default:
		return false
	}
	abs, err := filepath.Abs(path)
	return err == nil && abs == dir
}

// shortHash names a folder's state file.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// inboxErr gives an inbox's errors the CLI's wording.
func inboxErr(err error) error {
	switch {
	case errors.Is(err, inbox.ErrDestIsInbox):
		return usageError(err)
	case errors.Is(err, inbox.ErrBusy):
		return fmt.Errorf("%w: only one `cakebackup watch` or watch job at a time ships from a folder", err)
	case err != nil:
		return jobErr(err)
	}
	return nil
}

// watchDir is the folder a watch job watches: its watch path, or the
// Downloads folder for "downloads".
func (e *env) watchDir(j schedule.Job) (string, error) {
	if j.Watch == schedule.WatchDownloads {
		return local.DownloadsDir(e.getenv)
	}
	return j.Watch, nil
}

// checkWatchDir refuses a watch job whose folder is not there.
func (e *env) checkWatchDir(j schedule.Job) error {
	dir, err := e.watchDir(j)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a folder to watch", dir)
	}
	return nil
}

// shipInbox is a scheduled run of a watch job: one look at its folder,
// shipping what is ready to the job's destinations.
func (e *env) shipInbox(ctx context.Context, cfg *schedule.Config, j schedule.Job, password func(schedule.Job) (string, error), log *slog.Logger) (schedule.Result, error) {
	var pw string
	if j.HasPasswordSource() {
		var err error
		if pw, err = password(j); err != nil {
			return schedule.Result{}, err
		}
	}
	dir, err := e.watchDir(j)
	if err != nil {
		return schedule.Result{}, err
	}
	in, err := e.newInbox(dir, cfg.DestsFor(j), log.With("job", j.Name))
	if err != nil {
		return schedule.Result{}, err
	}
	in.Password, in.RemoveAfterSend, in.Retention = pw, j.RemoveAfterSend, j.Retention
	rep, err := in.Once(ctx)
	var res schedule.Result
	if rep != nil {
		for _, f := range rep.Files {
			if f.Sent == nil {
				continue
			}
			for _, st := range f.Sent.Stores.Good() {
				res.Copies = append(res.Copies, schedule.Copy{Dest: st.Dest, Entry: st.Entry})
			}
		}
	}
	return res, inboxErr(err)
}
