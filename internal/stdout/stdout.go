// Package stdout is a command's result stream. It keeps the first write
// that failed (a full disk, a closed pipe, a terminal gone) and refuses
// every write after it, so that the run can fail with one line: a script
// must not take an empty or cut-short result for the whole one, and a
// person reading it must learn why it is missing.
package stdout

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// Writer is the result stream over a process's stdout: it counts what
// was written and keeps the first write that failed, as an [*Error].
type Writer struct {
	w   io.Writer
	n   int64
	err error
}

// New returns the result stream over w.
func New(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes b, or fails at once after a write that failed: the rest
// of a result cut short would only pass for a whole one.
func (w *Writer) Write(b []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(b)
	w.n += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = &Error{Err: err}
		return n, w.err
	}
	return n, nil
}

// Fd passes on the file descriptor of the writer underneath, so terminal
// checks see through the stream; ^0 (no such descriptor) for others.
func (w *Writer) Fd() uintptr {
	if f, ok := w.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

// Verdict is the error a run that returned err fails with. A failed
// write fails a run that would have succeeded, and is said alone when
// err is the write's own ("writing JSON: ..."); a run that failed for
// its own reason keeps its error, which says more than a missing result
// (a check that found a damaged backup).
func (w *Writer) Verdict(err error) error {
	if w.err != nil && (err == nil || errors.As(err, new(*Error))) {
		return w.err
	}
	return err
}

// Failure is what a failed command asked for JSON prints on stdout, so
// that a script reading stdout always gets one JSON object.
type Failure struct {
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
}

// WriteFailure prints f unless the run already wrote on w: a command
// that printed its own JSON result has said where each thing stands.
func (w *Writer) WriteFailure(f Failure) error {
	if w.n > 0 {
		return nil
	}
	return WriteJSON(w, f)
}

// WriteJSON prints v on w as one indented JSON object.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// Error is a write on stdout that failed. It is worded without the
// system's "write /dev/stdout", as stdout is all it can be.
type Error struct{ Err error }

func (e *Error) Error() string {
	cause := e.Err
	var pathErr *fs.PathError
	if errors.As(cause, &pathErr) {
		cause = pathErr.Err
	}
	return "could not write to stdout: " + cause.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Cause is the [*Error] err holds, without what its callers added
// ("writing JSON: "), or else err.
func Cause(err error) error {
	var out *Error
	if errors.As(err, &out) {
		return out
	}
	return err
}
