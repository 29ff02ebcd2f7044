package main

import (
	"io"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/progress"
	"github.com/cakebackup/cakebackup/internal/stdout"
)

// note records an informational line for stderr, left out with --quiet.
func (e *env) note(format string, a ...any) { e.notes.Note(format, a...) }

// warn records a warning for stderr; it is shown even with --quiet.
func (e *env) warn(format string, a ...any) { e.notes.Warn(format, a...) }

// detail records a line for stderr shown only with --verbose.
func (e *env) detail(format string, a ...any) { e.notes.Detail(format, a...) }

// adviseOwnPassword says, once per run and only to a person at a terminal,
// that a generated password is safer than the one given.
func (e *env) adviseOwnPassword(source string) {
	if e.advisedOwnPassword || e.quiet || !isTerminal(e.stderr) {
		return
	}
	e.advisedOwnPassword = true
	e.note("note: using the password from %s; a generated password is recommended (omit the password options to get one)", source)
}

// isTerminal reports whether w is a terminal: an *os.File, or a writer
// wrapping one that passes its Fd on (as run's stdout does).
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// jsonFlag is --json, for a command whose result can be one JSON object.
func jsonFlag() cli.Flag { return &cli.BoolFlag{Name: "json", Usage: "print one JSON object"} }

// onStdout is stdout.Cause, for create's line of a password it could not show.
func onStdout(err error) error { return stdout.Cause(err) }

// writeJSON prints v as one indented JSON object.
func writeJSON(w io.Writer, v any) error { return stdout.WriteJSON(w, v) }

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
