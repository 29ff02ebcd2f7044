//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package secret

import (
	"os"

	"golang.org/x/term"
)

// hideEcho leaves the terminal as it is: readHiddenLine turns echo off
// itself, through term.ReadPassword (the console's mode on Windows).
func hideEcho(*os.File) (restore func(), err error) { return func() {}, nil }

// readHiddenLine reads one line from the terminal tty without echoing it.
func readHiddenLine(tty *os.File) ([]byte, error) { return term.ReadPassword(int(tty.Fd())) }
