package job

import (
	"context"
	"io"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// FormatError is OpenArchive's error for a backup that was found and
// opened but does not read as one (not a backup, a format version not
// known, a damaged header, a read that failed). Its text is Err's, which
// names the backup once; Err wraps the backup package's error.
type FormatError struct {
	// Arg is the backup as given, Err why it does not open as one.
	Arg string
	Err error
}

// Error is Err's text.
func (e *FormatError) Error() string { return e.Err.Error() }

// Unwrap returns why the backup does not open.
func (e *FormatError) Unwrap() error { return e.Err }

// OpenArchive opens the backup arg names, a file's path or a destination
// spec followed by the backup's name (destinations.Registry.OpenStored),
// as an archive. When wrap is not nil the archive reads through what it
// returns for the backup's reader (to count the bytes read, say).
// Closing the returned Closer closes the backup and its destination.
//
// An error from finding or opening the backup is OpenStored's, as it
// returned it; one from reading it as a backup is a *FormatError.
func OpenArchive(ctx context.Context, reg *destinations.Registry, arg string, wrap func(destinations.Reader) io.ReaderAt) (*backup.Archive, io.Closer, error) {
	r, err := reg.OpenStored(ctx, arg)
	if err != nil {
		return nil, nil, err
	}
	var ra io.ReaderAt = r
	if wrap != nil {
		ra = wrap(r)
	}
	a, err := backup.Open(ra, r.Size())
	if err != nil {
		r.Close()
		return nil, nil, &FormatError{Arg: arg, Err: errloc.Wrap(err, arg, destinations.Spellings(arg)...)}
	}
	return a, r, nil
}
