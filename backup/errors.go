package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"syscall"
)

// The four blob errors FORMAT.md asks readers to keep apart, and the
// container- and restore-level ones.
var (
	// ErrBadLength is wrapped when a blob is too short to hold its header.
	ErrBadLength = errors.New("backup data has a bad length (truncated or not a backup)")
	// ErrUnsupportedVersion is wrapped when a blob or container has a
	// version this program does not know.
	ErrUnsupportedVersion = errors.New("unsupported backup version")
	// ErrBadChecksum is wrapped when a checksum does not match: the file
	// was damaged in transfer or on disk.
	ErrBadChecksum = errors.New("backup checksum mismatch (the file is damaged)")
	// ErrBlobChecksum is a v2 blob's BLAKE2b checksum not matching; it is
	// ErrBadChecksum. A bare v2 blob (a backup file that is one blob)
	// carries no length, so for one it may also mean that the file is not
	// whole yet.
	ErrBlobChecksum = fmt.Errorf("BLAKE2b checksum does not match: %w", ErrBadChecksum)
	// ErrDecrypt is wrapped when decryption fails: a wrong password, or
	// data tampered with after its checksum was recomputed.
	ErrDecrypt = errors.New("cannot decrypt backup: wrong password or tampered data")
	// ErrLegacyV1 is wrapped for version 1 backups, which need a secret
	// built into the Cake Wallet app and are not supported.
	ErrLegacyV1 = errors.New("legacy version 1 backup is not supported: restore it in Cake Wallet and export a new backup")
	// ErrNotBackup is wrapped when the container or its metadata is
	// damaged, or the file is not a Cake Wallet backup at all.
	ErrNotBackup = errors.New("not a Cake Wallet backup, or its container is damaged")
	// ErrTargetNotEmpty is wrapped when Restore is asked to write into a
	// folder that already holds something.
	ErrTargetNotEmpty = errors.New("restore target folder is not empty")
)

// ChunkError reports which chunk of a v3 container failed.
type ChunkError struct {
	// Index is the chunk's position, counting from 0.
	Index int
	// Err is what went wrong with it.
	Err error
}

// Error returns "chunk N: <reason>".
func (e *ChunkError) Error() string { return fmt.Sprintf("chunk %d: %v", e.Index, e.Err) }

// Unwrap returns the underlying error.
func (e *ChunkError) Unwrap() error { return e.Err }

// ErrUnsafePath is wrapped when an entry of the inner archive would land
// outside the restore folder (an absolute path, "..", a backslash) or is a
// symbolic link or special file.
var ErrUnsafePath = errors.New("unsafe entry in backup")

// ErrSourceChanged is wrapped (by ChangedError) when a file changed while
// Write was reading it: its bytes in the backup could mix two versions.
var ErrSourceChanged = errors.New("a file changed while it was being backed up")

// ChangedError reports a source file that changed while Write read it.
// Write fails rather than read the file again, since its bytes already
// went into the stream; job.Make starts the whole backup over.
type ChangedError struct {
	// Path is the file on disk.
	Path string
	// Replaced is true when Path names another file than the one read:
	// it was renamed over, or deleted (and maybe created again), as an
	// app saving to a new file and renaming it into place does. It is
	// false for a file written in place.
	Replaced bool
}

// Error tells which file changed, or was replaced (its path on one line:
// QuoteName), and what to do.
func (e *ChangedError) Error() string {
	return QuoteName(e.Path) + " " + e.What() + " while it was being backed up: close the wallet app (or wait for it to finish saving) and run the backup again"
}

// What is "was replaced" or "changed", as Error words it.
func (e *ChangedError) What() string {
	if e.Replaced {
		return "was replaced"
	}
	return "changed"
}

// Unwrap returns ErrSourceChanged.
func (e *ChangedError) Unwrap() error { return ErrSourceChanged }

// ReadError is a failure to read the backup from its medium: a drive
// pulled out or unmounted, a sector that cannot be read, a dropped
// connection. The backup could not be checked, which says nothing about
// whether it is damaged: it is never reported as ErrBadChecksum or
// ErrNotBackup.
type ReadError struct {
	// Err is the reader's error, such as a *fs.PathError.
	Err error
}

// Error says the backup could not be read, and why.
func (e *ReadError) Error() string {
	if errors.Is(e.Err, syscall.EIO) {
		return "cannot read the backup (was its drive unplugged?): " + e.Err.Error()
	}
	return "cannot read the backup: " + e.Err.Error()
}

// Unwrap returns the reader's error.
func (e *ReadError) Unwrap() error { return e.Err }

// isReadError reports whether err is, or wraps, a *ReadError.
func isReadError(err error) bool {
	var re *ReadError
	return errors.As(err, &re)
}

// mediumReader marks the errors of the reader of a backup as *ReadError,
// so that the checks further up tell a failed read from damage. The end
// of the file (io.EOF) and a cancelled context are left as they are.
type mediumReader struct{ r io.ReaderAt }

func (m mediumReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := m.r.ReadAt(p, off)
	if err != nil && err != io.EOF && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !isReadError(err) {
		err = &ReadError{Err: err}
	}
	return n, err
}

// Verdict is what an error of reading, verifying or restoring a backup
// says of the backup itself.
type Verdict int

const (
	// NoVerdict: the error says nothing of the backup's bytes. The
	// system failed to read them or to write what they hold (a drive
	// pulled out, a dropped connection, a restore's folder gone), even
	// where the format's check words that as damage; or the error is
	// not the format's.
	NoVerdict Verdict = iota
	// WrongPassword: the backup does not decrypt with the password
	// (ErrDecrypt).
	WrongPassword
	// Damaged: the file is damaged, not a backup, or one this program
	// cannot read: a bad length or checksum, an unknown version, a
	// legacy version 1 backup, an unsafe entry, a chunk that fails.
	Damaged
)

// VerdictOf returns what err says of the backup it came from.
func VerdictOf(err error) Verdict {
	switch {
	case err == nil, errors.As(err, new(*fs.PathError)), isReadError(err), errors.As(err, new(*TargetGoneError)):
		return NoVerdict
	case errors.Is(err, ErrDecrypt):
		return WrongPassword
	case errors.Is(err, ErrBadLength), errors.Is(err, ErrUnsupportedVersion), errors.Is(err, ErrBadChecksum),
		errors.Is(err, ErrNotBackup), errors.Is(err, ErrLegacyV1), errors.Is(err, ErrUnsafePath),
		errors.As(err, new(*ChunkError)):
		return Damaged
	}
	return NoVerdict
}
