// Package inbox ships the wallet app's exports that land in a folder
// (typically Downloads) to destinations, each export once and unchanged.
//
// A file in the folder is an export when its content says so: a v3
// container or a bare v2 blob that passes the password-free integrity
// check (backup.Open and CheckIntegrity, through job.Check). Its name does
// not matter; hidden files and files being downloaded (.part,
// .crdownload, ...) are not looked at. A file is checked only once it has
// settled: its size and modification time were the same at two looks a
// settle interval apart. A file that is not a backup is remembered by
// path, size and modification time, so it is not read again until it
// changes.
//
// A state file remembers the SHA-512 of every export shipped to each
// destination (each stick a usb destination found, for sticks taken in
// turns), so restarts, renames and re-runs never ship an export twice, and a cache of path, size and modification time to SHA-512, so
// unchanged files are not even hashed again. Retention applies at each
// destination to the copies this inbox shipped there, never to anything
// else and never to the watched folder; an export is removed from the
// folder (when asked to) only once every destination holds a verified
// copy that retention kept: one that retention pruned at once (an old
// export, older than the copies the rules keep) stays in the folder.
// Retention that failed at a destination is owed there (recorded in the
// state file): later passes try it again, a minute after the failure and
// then at doubling intervals up to an hour, and until it succeeds no
// export leaves the folder.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/schedule"
)

// DefaultSettle is how long a file's size and modification time must stay
// the same before it is looked at.
const DefaultSettle = 2 * time.Second

// DefaultPoll is how often Watch looks at the whole folder again, whatever
// file system events say.
const DefaultPoll = 30 * time.Second

// Inbox is a folder the wallet app exports backups to, and where they go.
type Inbox struct {
	// Dir is the watched folder.
	Dir string
	// Dests are the --dest specs every export is stored at; at least
	// one, none of them Dir itself. What was shipped is recorded per
	// spec as given, and for a usb spec per drive: "usb" opens whichever
	// stick is plugged in (or the one a person chose), and each stick it
	// opens is a destination of its own, which gets what it lacks and
	// whose retention counts its own copies (see local.Drive.ID).
	Dests []string
	// Open opens a destination from its spec.
	Open job.Opener
	// State is the state file (created 0600); one per inbox. A lock file
	// next to it (State + ".lock") keeps two processes from using it at
	// once.
	State string
	// Password, when set, must decrypt every export before it is
	// shipped; without it only the password-free integrity check runs.
	// The app shows a new password for each export, so this suits a
	// user who keeps exporting with the same one.
	Password string
	// RemoveAfterSend deletes an export from Dir once every destination
	// holds a verified copy of it that retention kept; an export whose
	// copy retention removed at once stays, with a warning.
	RemoveAfterSend bool
	// Retention applies at each destination to the copies shipped
	// there by this inbox, dated by the export's modification time.
	Retention schedule.Retention
	// Settle is how long a new or changed file must stay unchanged
	// before it is checked; 0 means DefaultSettle.
	Settle time.Duration
	// Poll is how often Watch looks at the whole folder whatever file
	// system events say; 0 means DefaultPoll.
	Poll time.Duration
	// PollOnly makes Watch rely on polling alone, for folders where file
	// system events do not arrive.
	PollOnly bool
	// Log gets one line per shipped file and per problem; nil discards.
	Log *slog.Logger
	// Observe, when set, is called with the report of every pass.
	Observe func(*Report)
	// Started, when set, is called once Watch or Once holds the folder
	// (its state file's lock), before its first pass: a watcher or a
	// pass refused with ErrBusy never calls it.
	Started func()

	// now, when set, is the clock retention owed at a destination is
	// timed by (tests set it); nil means time.Now.
	now func() time.Time
	// held are the destinations CheckDests opened, by spec, for the
	// first pass of Once or Watch to use rather than open them again.
	held map[string]destinations.Destination
}

// clock is the time retention owed at a destination is timed by.
func (in *Inbox) clock() time.Time {
	if in.now != nil {
		return in.now()
	}
	return time.Now()
}

// ErrBusy is returned when another process is shipping from the same
// inbox (holds its state file's lock).
var ErrBusy = errors.New("another cakebackup process is shipping from this folder")

// ErrDestIsInbox is returned for a destination that is the watched folder
// itself.
var ErrDestIsInbox = errors.New("a destination is the watched folder itself")

// ErrStickSwapped is wrapped by the error of retention at a usb
// destination when the stick it opens is not the one the pass found
// there before (swapped within the pass, after a shipment failed): the
// retention is owed on the stick found before.
var ErrStickSwapped = errors.New("another stick is plugged in now")

// Status is what a pass did with one file.
type Status int

const (
	// Settling: the file is new or changed since the last look (or its
	// check was stopped by ctx); it is looked at again after the settle
	// interval.
	Settling Status = iota
	// NotBackup: the file is not a backup (or not yet a whole one: a
	// partial copy, whose container has no end yet); it is left alone
	// until it changes.
	NotBackup
	// Shipped: the file was sent this pass and every destination it
	// went to holds a verified copy.
	Shipped
	// Known: every destination already held it; nothing was sent.
	Known
	// Failed: the file could not be sent to some destination; the next
	// pass tries again.
	Failed
	// Unreadable: the file could not be read to be checked (no
	// permission, say); the next pass tries again. It is logged once and
	// does not fail the pass.
	Unreadable
	// Damaged: the file is a backup by its structure (a container, a v2
	// blob) whose bytes do not verify: a chunk's checksum, or a file in
	// it, is wrong. The export is bad: it is not shipped, is logged at
	// WARN once, and is left alone until it changes. It does not fail the
	// pass.
	Damaged
	// NoDecrypt: the file is a backup that verifies but does not decrypt
	// with Password: another password's, or tampered with. Left alone as
	// Damaged is.
	NoDecrypt
)

func (s Status) String() string {
	switch s {
	case Settling:
		return "settling"
	case NotBackup:
		return "not a backup"
	case Shipped:
		return "shipped"
	case Known:
		return "already shipped"
	case Failed:
		return "failed"
	case Unreadable:
		return "unreadable"
	case Damaged:
		return "damaged"
	case NoDecrypt:
		return "does not decrypt"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// File is what a pass did with one file of the folder.
type File struct {
	Path   string
	Size   int64
	Status Status
	// SHA512 is the file's hash, once known.
	SHA512 string
	// Sent is what Send did, when the file was sent this pass.
	Sent *job.Sent
	// Removed is set when the file was removed from the folder after
	// every destination held it.
	Removed bool
	// Kept, with remove-after-send, is why the file stays in the folder
	// although every destination got it: retention removed a copy at
	// once, as older than the copies its rules keep.
	Kept string
	// Err is why the file is NotBackup, Damaged, NoDecrypt, Failed or
	// Unreadable.
	Err error
}

// Pruned is a copy retention removed from a destination.
type Pruned struct {
	Dest string
	Name string
}

// Report is what one pass over the folder did. Files lists the files
// that are settling, were judged, sent or removed in this pass; a known
// file that needed nothing is listed as Known.
type Report struct {
	Files  []File
	Pruned []Pruned
	// Errs are the pass's failures: files that could not be sent
	// everywhere, retention that failed at a destination.
	Errs []error
}

// Err is the pass's failures as one *PassError; nil when there were none.
func (r *Report) Err() error {
	if len(r.Errs) == 0 {
		return nil
	}
	return &PassError{Errs: r.Errs}
}

// PassError is what failed in a pass: exports not shipped everywhere,
// retention that failed at a destination. Its message is the one
// failure, or how many there were and the first; every one is wrapped.
type PassError struct{ Errs []error }

// Error says what failed, in one line for one failure.
func (e *PassError) Error() string {
	if len(e.Errs) == 1 {
		return e.Errs[0].Error()
	}
	return fmt.Sprintf("%d failures in one look at the folder; the first: %v", len(e.Errs), e.Errs[0])
}

// Unwrap returns every failure, for errors.Is and errors.As.
func (e *PassError) Unwrap() []error { return e.Errs }

// Settling reports whether some file is waiting to settle.
func (r *Report) Settling() bool {
	for _, f := range r.Files {
		if f.Status == Settling {
			return true
		}
	}
	return false
}

// check validates the configuration.
func (in *Inbox) check() error {
	switch {
	case in.Dir == "":
		return errors.New("inbox: no folder to watch")
	case in.Open == nil:
		return errors.New("inbox: no way to open destinations")
	case in.State == "":
		return errors.New("inbox: no state file")
	case len(in.Dests) == 0:
		return job.ErrNoDestination
	}
	return nil
}

func (in *Inbox) settle() time.Duration {
	if in.Settle > 0 {
		return in.Settle
	}
	return DefaultSettle
}

func (in *Inbox) log() *slog.Logger {
	if in.Log != nil {
		return in.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// ignoredName reports whether a file is never looked at: hidden files
// (which include the temporary files cakebackup and most programs write
// before renaming) and downloads in progress.
func ignoredName(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".part", ".partial", ".crdownload", ".download", ".tmp", ".opdownload":
		return true
	}
	return false
}

// Once takes one look at the folder, waits the settle interval when a
// file is new or changed and looks at those files again, and ships what is
// ready, then applies retention where something new was stored. Files
// still changing are left for the next run. It returns the report and its
// failures (Report.Err); a failure to read the folder or the state file
// is returned alone.
func (in *Inbox) Once(ctx context.Context) (*Report, error) {
	r, err := in.start()
	if err != nil {
		return nil, err
	}
	defer r.close()
	if in.Started != nil {
		in.Started()
	}
	rep, err := r.pass(ctx, nil)
	if err != nil || !rep.Settling() {
		return rep, passErr(rep, err)
	}
	again := map[string]bool{}
	var files []File
	for _, f := range rep.Files {
		if f.Status == Settling {
			again[f.Path] = true
		} else {
			files = append(files, f)
		}
	}
	t := time.NewTimer(in.settle())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return rep, ctx.Err()
	case <-t.C:
	}
	second, err := r.pass(ctx, again)
	if err != nil {
		return rep, err
	}
	rep.Files = append(files, second.Files...)
	rep.Pruned = append(rep.Pruned, second.Pruned...)
	rep.Errs = append(rep.Errs, second.Errs...)
	return rep, rep.Err()
}

func passErr(rep *Report, err error) error {
	if err != nil {
		return err
	}
	return rep.Err()
}
