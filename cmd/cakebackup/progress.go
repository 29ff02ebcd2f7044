package main

import (
	"io"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/progress"
)

// newProgress returns the progress display of a backup being made on w,
// which stays silent when quiet is set or w is not a terminal.
func newProgress(w io.Writer, quiet bool) *progress.Bar {
	return progress.New(w, !quiet && isTerminal(w), "Backing up", "Verifying the stored copy...")
}

// newReadProgress is newProgress for reading a backup (verify, restore):
// the bytes counted are those read from the backup file.
func newReadProgress(w io.Writer, quiet bool, label string) *progress.Bar {
	return progress.New(w, !quiet && isTerminal(w), label, "")
}

// countReads returns r, counting what is read from it on e.readProgress
// (over r's whole size) when a command set one.
func (e *env) countReads(r destinations.Reader) io.ReaderAt {
	if e.readProgress == nil {
		return r
	}
	return e.readProgress.Counting(r, r.Size())
}
