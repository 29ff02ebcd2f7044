package local

import (
	"errors"

	"github.com/cakebackup/cakebackup/destinations"
)

// errDriveGone says a folder's path no longer leads to the directory a
// backup was being written into: its drive was unmounted or removed.
var errDriveGone = errors.New("the folder's path no longer leads to the drive")

// diskError is a failed file-system operation explained in plain words,
// such as "the drive is full". It wraps both the destinations sentinel
// that fits (ErrNoSpace, ErrReadOnly) and the system's error.
type diskError struct {
	op    string // what we were doing, e.g. "writing backup X to /media/ana/STICK"
	plain string // what went wrong, for people
	kind  error  // a destinations sentinel, or nil
	err   error  // the system's error
}

func (e *diskError) Error() string {
	return e.op + ": " + e.plain + " (" + systemText(e.err) + ")"
}

func (e *diskError) Unwrap() []error {
	if e.kind == nil {
		return []error{e.err}
	}
	return []error{e.kind, e.err}
}

// explain wraps err, from doing op, with a plain-words reason when the
// system's error is one people can act on (a full or read-only drive, a
// missing permission, a drive that failed or went away).
func explain(op string, err error) error { return explainAs(op, err, "") }

// explainRead is explain for an op that only reads (opening, listing,
// looking at a folder or a file): a refused read is "no permission to
// read there", and not a read-only destination.
func explainRead(op string, err error) error { return explainAs(op, err, reasonDeniedRead) }

// explainReadFile is explainRead for reading one file: a refused read is
// "no permission to read it".
func explainReadFile(op string, err error) error { return explainAs(op, err, reasonDeniedReadFile) }

// explainAs is explain; a non-empty denied is the reason for a refused
// read, which is then not a read-only destination.
func explainAs(op string, err error, denied string) error {
	if err == nil {
		return nil
	}
	var de *diskError
	if errors.As(err, &de) {
		return err
	}
	plain, kind := classify(err)
	if denied != "" && errnoKind(err) == kindDenied {
		plain, kind = denied, nil
	}
	if plain == "" {
		return &diskError{op: op, plain: "failed", err: err}
	}
	return &diskError{op: op, plain: plain, kind: kind, err: err}
}

// Reasons, in the words the user sees.
const (
	reasonFull     = "the drive is full"
	reasonReadOnly = "the drive is read-only"
	reasonDenied   = "no permission to write there"
	// reasonDeniedRead is a refused read (explainRead).
	reasonDeniedRead     = "no permission to read there"
	reasonDeniedReadFile = "no permission to read it"
	reasonNotDir         = "a part of the path is a file, not a folder"
	reasonIO             = "the drive could not be read or written; was it unplugged?"
	reasonGone           = "the drive was removed or unmounted"
	reasonTooBig         = "the file is too large for this drive's file system"
)

// classify returns the plain reason for err and the destinations sentinel
// it means, or "" when err is not one of the known kinds.
func classify(err error) (string, error) {
	if errors.Is(err, errDriveGone) {
		return reasonGone, nil
	}
	switch errnoKind(err) {
	case kindFull:
		return reasonFull, destinations.ErrNoSpace
	case kindReadOnly:
		return reasonReadOnly, destinations.ErrReadOnly
	case kindDenied:
		return reasonDenied, destinations.ErrReadOnly
	case kindIO:
		return reasonIO, nil
	case kindGone:
		return reasonGone, nil
	case kindTooBig:
		return reasonTooBig, nil
	case kindNotDir:
		return reasonNotDir, nil
	}
	return "", nil
}

// errKind groups system errors by what they mean for the user.
type errKind int

const (
	kindOther errKind = iota
	kindFull
	kindReadOnly
	kindDenied
	kindIO
	kindGone
	kindTooBig
	kindNotDir // a file where the path needs a folder
)

// systemText is the innermost error's text ("no space left on device"),
// without the path that the wrapping *os.PathError repeats.
func systemText(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
