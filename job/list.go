package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
)

// Listing is what a destination holds: its backups, the other files,
// which are left alone, and the files that could not be read to tell.
//
// Its JSON (what ls --json prints) names the destination by its spec
// under "dest", and under "destination" too for the scripts that read it
// (deprecated); it counts the other files ("other_files_ignored") and
// gives each unreadable file's name, location and error.
type Listing struct {
	// Dest is the destination's spec.
	Dest    string
	Backups []destinations.Entry
	Others  []destinations.Entry
	// Unreadable are the files not named as backups that could not be
	// read to tell whether they are one (no permission, a name the
	// destination cannot open, a read error): they may be backups, so
	// they are neither listed as backups nor ignored quietly.
	Unreadable []UnreadableEntry
}

// MarshalJSON implements json.Marshaler.
func (l Listing) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Dest        string               `json:"dest"`
		Destination string               `json:"destination"`
		Backups     []destinations.Entry `json:"backups"`
		Ignored     int                  `json:"other_files_ignored"`
		Unreadable  []UnreadableEntry    `json:"unreadable"`
	}{l.Dest, l.Dest, l.Backups, len(l.Others), append([]UnreadableEntry{}, l.Unreadable...)})
}

// UnreadableEntry is a file that could not be read, and why.
type UnreadableEntry struct {
	destinations.Entry
	Err error
}

// MarshalJSON implements json.Marshaler: the file's name and location,
// and the error's text.
func (u UnreadableEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name     string `json:"name"`
		Location string `json:"location"`
		Error    string `json:"error"`
	}{u.Name, u.Location, u.Err.Error()})
}

// folderChecker is a destination whose folder can be missing after
// opening: a cloud folder is made by the first backup.
type folderChecker interface {
	CheckFolder(ctx context.Context) error
}

// List lists the backups at dest. A destination whose folder is missing
// fails, whatever its kind.
//
// schedule's Pruner.Prune lists a destination too, on purpose in a loop
// of its own: List sorts every file there for a person (ls, check) and
// calls one a backup from its name or its first bytes (IsBackup), while
// pruning looks only at the backups its job made, dated by their names
// (schedule.ParseBackupName), ignores every other file, and reads each
// candidate in full (schedule.VerifyAndSum) before it deletes anything.
// A listing shared between them would either read everything in full
// for ls or let pruning trust a name.
func List(ctx context.Context, dest destinations.Destination) (Listing, error) {
	if f, ok := dest.(folderChecker); ok {
		if err := f.CheckFolder(ctx); err != nil {
			return Listing{}, atDest("listing", dest.Spec(), err)
		}
	}
	entries, err := dest.List(ctx)
	if err != nil {
		return Listing{}, atDest("listing", dest.Spec(), err)
	}
	l := Listing{Dest: dest.Spec(), Backups: []destinations.Entry{}}
	for _, en := range entries {
		ok, err := IsBackup(ctx, dest, en)
		switch {
		case ctx.Err() != nil:
			return Listing{}, ctx.Err()
		case err != nil:
			l.Unreadable = append(l.Unreadable, UnreadableEntry{Entry: en, Err: err})
		case ok:
			l.Backups = append(l.Backups, en)
		default:
			l.Others = append(l.Others, en)
		}
	}
	return l, nil
}

// IsBackup tells backups from other files: by the name the app and
// cakebackup give them, else by content (a v3 container or a v2 blob, as
// backup.Open recognises them from the first bytes and the container's
// directory). A file that could not be opened or read to tell is an
// error: nothing is known of it, and it may be a backup. A file gone
// since it was listed is no backup and no error.
func IsBackup(ctx context.Context, dest destinations.Destination, en destinations.Entry) (bool, error) {
	if strings.HasPrefix(en.Name, strings.TrimSuffix(backupPrefix, "_")) {
		return true, nil
	}
	r, err := dest.Open(ctx, en.Name)
	if errors.Is(err, destinations.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer r.Close()
	rec := &ReadRecorder{R: r}
	if _, err := backup.Open(rec, r.Size()); err != nil {
		if rerr := rec.First(); rerr != nil {
			return false, fmt.Errorf("reading %s: %w", en.Name, rerr)
		}
		return false, nil
	}
	return true, nil
}

// ReadRecorder passes reads on to R and keeps the first error other than
// the end of the data that one returned: the format's checks word a
// failed read as a file that is no backup, or as damage, which says
// nothing of the file when its drive was pulled out or the connection
// dropped. Reads may come from several goroutines.
type ReadRecorder struct {
	R   io.ReaderAt
	mu  sync.Mutex
	err error
}

// ReadAt reads from R and records the first real read error.
func (rr *ReadRecorder) ReadAt(p []byte, off int64) (int, error) {
	n, err := rr.R.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		rr.mu.Lock()
		if rr.err == nil {
			rr.err = err
		}
		rr.mu.Unlock()
	}
	return n, err
}

// First returns the first read error recorded, or nil.
func (rr *ReadRecorder) First() error {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.err
}
