package secret

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// IsTerminal reports whether f is a terminal: an *os.File, or a stream passing its Fd on.
func IsTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(fd.Fd()))
}

// promptLine shows label on w and reads one line from the terminal tty
// without echoing it. Callers run it through promptUntil, which turns
// echo off first where it can (hideEcho) and which Ctrl-C can end.
func promptLine(tty *os.File, w io.Writer, label string) (string, error) {
	fmt.Fprint(w, label)
	b, err := readHiddenLine(tty)
	fmt.Fprintln(w)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	if len(b) == 0 {
		return "", ErrEmpty
	}
	if len(b) > MaxSize {
		return "", ErrTooLong
	}
	return string(b), nil
}
