// Package destinations defines where a backup can be written to and read
// from, and turns a --dest spec such as "downloads", "folder:/srv/b",
// "usb:WALLETS" or "proton:/Backups/Cake" into a Destination.
//
// A destination knows how to store bytes safely on its medium; it knows
// nothing of the backup format. The backup package streams into a Pending
// and hands Commit a Check that reads the stored bytes back, so a
// destination can refuse to publish a backup that does not verify.
//
// # Adding a destination
//
// A new kind of place is one package and one registry line. The package
// implements Destination (and, where its medium allows, the optional
// Reclaimer, to remove what interrupted runs left, Identifier, so
// unchanged backups need not be read again, and LocalFolder, so one
// folder reached two ways is not taken for two places) and exports a Register
// function that calls Registry.Register with its scheme, a one-line usage
// and an Opener, plus Registry.RegisterDiscovery if it can list the places
// it offers; see local.Register and proton.Register. The command line then
// gains it by one call next to theirs in cmd/cakebackup/dests.go: every
// command that takes --dest, the dests listing and the scheduler use the
// registry and nothing else. The proof that it is safe to store wallets
// there is the conformance suite: a test that passes a Harness to
// destinationtest.Run, which checks that writes are invisible until
// committed, a failed check or an abort leaves nothing behind, names never
// collide and nothing is overwritten.
package destinations

import (
	"context"
	"errors"
	"io"
	"time"
)

// Destination is one place backups live: a folder, a removable drive, a
// cloud folder. Implementations must be safe for use by one goroutine at a
// time; they need not be safe for concurrent use.
type Destination interface {
	// Spec returns the canonical --dest spec of this destination, such as
	// "folder:/home/ana/Downloads"; opening it again yields the same place.
	Spec() string

	// Create starts a new backup called name. sizeHint is the expected size
	// in bytes (or -1 when unknown); destinations use it to refuse early
	// when there is not enough room. Nothing is visible under name until
	// Pending.Commit succeeds. If name is already taken, Commit publishes
	// the backup under a new unique name and reports it in Entry.Name;
	// an existing backup is never overwritten.
	Create(ctx context.Context, name string, sizeHint int64) (Pending, error)

	// List returns the backups stored here, oldest first. Files in
	// progress (temporary files, drafts) are not listed.
	List(ctx context.Context) ([]Entry, error)

	// Open opens the backup called name for reading. It returns an error
	// wrapping ErrNotFound when there is no such backup.
	Open(ctx context.Context, name string) (Reader, error)

	// Delete removes the backup called name. It returns an error wrapping
	// ErrNotFound when there is no such backup.
	Delete(ctx context.Context, name string) error

	// Close releases what the destination holds open, such as a cloud
	// connection; a long-running scheduler opens many. The destination
	// is not used after Close.
	Close() error
}

// Reclaimer is a Destination that can remove what interrupted writes
// left behind: temporary files, drafts and uploads whose writer is gone
// (crashed, killed, cut off). The job package calls it before each write,
// so leftovers never pile up nor count against the free-space check.
// Reclaim must never touch a published backup or another live writer's
// work.
type Reclaimer interface {
	Reclaim(ctx context.Context) (Reclaimed, error)
}

// Reclaimed is what Reclaim removed.
type Reclaimed struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
}

// Pending is a backup being written. Exactly one of Commit or Abort must be
// called; Abort after a successful Commit does nothing, so it can be
// deferred.
type Pending interface {
	io.Writer

	// Commit makes everything written so far durable, reads it back from
	// the medium and passes it to check (when check is not nil), and only
	// if check succeeds publishes it under its final name. On any error
	// nothing is left behind: no temporary file, no draft, no partial
	// revision.
	Commit(ctx context.Context, check Check) (Entry, error)

	// Abort discards everything written and removes any temporary state.
	Abort(ctx context.Context) error
}

// Check inspects a stored backup before it is published. It reads the
// bytes as they are on the medium, not as they were sent.
type Check func(ctx context.Context, r io.ReaderAt, size int64) error

// Reader reads a stored backup.
type Reader interface {
	io.ReaderAt
	io.Closer
	// Size is the length of the backup in bytes.
	Size() int64
}

// Entry describes one stored backup.
type Entry struct {
	// Name is the backup's name within its destination, e.g.
	// "cake_wallet_backup_2026-11-25_010203".
	Name string `json:"name"`
	// Size is the length of the backup in bytes.
	Size int64 `json:"size"`
	// ModTime is when the backup was stored.
	ModTime time.Time `json:"time"`
	// Location is where the backup is, for people: a file path, or a spec
	// such as "proton:/Backups/Cake/NAME".
	Location string `json:"location"`
}

// ErrNotFound is wrapped by errors for a backup or place that does not
// exist.
var ErrNotFound = errors.New("not found")

// FolderMissingError is a destination's error for a folder that does not
// exist: the folder a destination names, or the one a backup is named in
// (not a backup missing from a folder that does). It wraps ErrNotFound;
// its message says so itself.
type FolderMissingError struct {
	// Msg says which folder is missing, such as "no such folder /Backups
	// on Proton Drive".
	Msg string
}

// Error says which folder is missing.
func (e *FolderMissingError) Error() string { return e.Msg }

// Unwrap returns ErrNotFound.
func (e *FolderMissingError) Unwrap() error { return ErrNotFound }

// ErrDamaged is matched by errors for a stored backup whose bytes the
// destination itself found wrong as it fetched them (a block that does
// not match its checksum or signature): the copy there is damaged, and
// fetching it again would bring the same bytes.
var ErrDamaged = errors.New("the stored copy is damaged")

// ErrNoSpace is wrapped by errors for a destination that is out of room
// (a full disk, an exhausted cloud quota).
var ErrNoSpace = errors.New("not enough space")

// ErrReadOnly is wrapped by errors for a destination that cannot be
// written to (a read-only mount, missing permission).
var ErrReadOnly = errors.New("destination is read-only")
