package inbox

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// Options are what a person gives a watch in the foreground (cakebackup
// watch): Check them before asking for anything else, then Open the
// Inbox they make.
type Options struct {
	// Dir is the folder to watch; "" means the Downloads folder. Check
	// makes it absolute.
	Dir string
	// The rest are the Inbox's fields of the same names.
	Dests           []string
	Password        string
	RemoveAfterSend bool
	Retention       schedule.Retention
	Settle, Poll    time.Duration
}

// NegativeError is a Settle or Poll below zero, which would stand for the
// default: Setting is "settle" or "poll".
type NegativeError struct {
	Setting string
	D       time.Duration
}

// Error names the setting and its length.
func (e *NegativeError) Error() string { return e.Setting + ": " + e.D.String() + " is negative" }

// DownloadsError is the Downloads folder, to be watched for want of a
// Dir, not found.
type DownloadsError struct{ Err error }

// Error says why there is no folder to watch.
func (e *DownloadsError) Error() string { return "no folder to watch: " + e.Err.Error() }

// Unwrap returns why the Downloads folder was not found.
func (e *DownloadsError) Unwrap() error { return e.Err }

// NotFolderError is a folder to watch that is not a folder, or not there.
type NotFolderError struct{ Dir string }

// Error names the folder.
func (e *NotFolderError) Error() string { return e.Dir + " is not a folder to watch" }

// Check refuses, in this order, a Retention count below zero (a
// *schedule.NegativeKeepError: it would prune every copy shipped), a
// *NegativeError, a *DownloadsError and a *NotFolderError; it makes Dir
// the absolute folder to watch.
func (o *Options) Check(getenv func(string) string) error {
	if err := o.Retention.Check(); err != nil {
		return err
	}
	for _, s := range []NegativeError{{"settle", o.Settle}, {"poll", o.Poll}} {
		if s.D < 0 {
			return &s
		}
	}
	dir := o.Dir
	if dir == "" {
		d, err := local.DownloadsDir(getenv)
		if err != nil {
			return &DownloadsError{Err: err}
		}
		dir = d
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := CheckFolder(dir); err != nil {
		return err
	}
	o.Dir = dir
	return nil
}

// CheckFolder refuses, as a *NotFolderError, a dir to watch that is not
// there or is not a folder.
func CheckFolder(dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return &NotFolderError{Dir: dir}
	}
	return nil
}

// WatchingLine is what a watch says once it holds Dir (Inbox.Started).
func (o Options) WatchingLine() string {
	return "Watching " + o.Dir + " for the wallet app's exports; shipping them to " + strings.Join(o.Dests, ", ") + ". Stop with Ctrl-C."
}

// Open returns the Inbox of o (checked), its state file next to the
// scheduler's (schedule.DefaultPaths through getenv). It first asks
// which stick a bare usb destination means (askDrive), then refuses what
// New and CheckDests refuse; the destinations CheckDests opened are kept
// for the first pass.
func (o Options) Open(ctx context.Context, open job.Opener, getenv func(string) string, log *slog.Logger) (*Inbox, error) {
	paths, err := schedule.DefaultPaths(getenv)
	if err != nil {
		return nil, err
	}
	if err := askDrive(ctx, open, o.Dests); err != nil {
		return nil, err
	}
	in, err := New(o.Dir, o.Dests, open, paths, getenv, log)
	if err != nil {
		return nil, err
	}
	in.Password, in.RemoveAfterSend, in.Retention, in.Settle, in.Poll = o.Password, o.RemoveAfterSend, o.Retention, o.Settle, o.Poll
	if err := in.CheckDests(ctx); err != nil {
		return nil, err
	}
	return in, nil
}

// askDrive opens each bare "usb" among specs, so that when several sticks
// are plugged in the person is asked now which one (the opener keeps the
// answer for the whole watch): asked by CheckDests, the question would be
// bounded by OpenTimeout, meant for network destinations, and asked again
// by the first pass. A question left unanswered (local.ErrNoDriveChosen)
// or a ctx done ends the watch, as the person who gave usb is there to
// pick one; a drive not plugged in is left to the passes to say.
func askDrive(ctx context.Context, open job.Opener, specs []string) error {
	for _, spec := range specs {
		if s, err := destinations.ParseSpec(spec); err != nil || s.Scheme != "usb" || s.Arg != "" {
			continue
		}
		d, err := open(ctx, spec)
		switch {
		case err == nil:
			_ = d.Close() // the first pass opens it again, with no question
		case ctx.Err() != nil, errors.Is(err, local.ErrNoDriveChosen):
			return err
		}
	}
	return nil
}
