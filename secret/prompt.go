package secret

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// IsTerminal reports whether f is a terminal a prompt can be shown on.
func IsTerminal(f *os.File) bool { return f != nil && term.IsTerminal(int(f.Fd())) }

// promptLine shows label on w and reads one line from the terminal tty
// without echoing it. Callers use PromptContext, which Ctrl-C can end.
func promptLine(tty *os.File, w io.Writer, label string) (string, error) {
	fmt.Fprint(w, label)
	b, err := term.ReadPassword(int(tty.Fd()))
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
