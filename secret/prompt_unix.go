//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package secret

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// hideEcho turns the terminal tty's echo off (keeping line editing and
// Ctrl-C) and returns the function that puts its attributes back.
func hideEcho(tty *os.File) (restore func(), err error) {
	fd := int(tty.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, err
	}
	hidden := *old
	hidden.Lflag &^= unix.ECHO
	hidden.Lflag |= unix.ICANON | unix.ISIG
	hidden.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &hidden); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }, nil
}

// readHiddenLine reads one line typed on the terminal tty, whose echo
// hideEcho turned off: it only reads, and leaves the terminal's
// attributes alone. A byte at a time, as term.ReadPassword does, so that
// nothing past the line is consumed; at most MaxSize+1 bytes are kept
// (enough to tell ErrTooLong) whatever is typed.
func readHiddenLine(tty *os.File) ([]byte, error) {
	var one [1]byte
	var line []byte
	for {
		n, err := tty.Read(one[:])
		if n > 0 {
			switch one[0] {
			case '\b':
				if len(line) > 0 {
					line = line[:len(line)-1]
				}
			case '\n':
				return line, nil
			default:
				if len(line) <= MaxSize {
					line = append(line, one[0])
				}
			}
			continue
		}
		if errors.Is(err, io.EOF) && len(line) > 0 {
			return line, nil
		}
		if err != nil {
			return line, err
		}
	}
}
