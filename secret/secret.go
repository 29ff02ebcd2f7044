// Package secret reads passwords the one careful way cakebackup has: the
// first line of a file, of standard input or of a hidden terminal prompt,
// never more than MaxSize bytes of it, never from a file others can read;
// and keeps them out of what cakebackup hands to other programs.
//
// Sources says where a password comes from and falls back to a prompt
// on a terminal (ReadOrPrompt; ReadNew types a new one twice);
// KeepGenerated makes sure a generated password reaches its owner (a new
// 0600 file, or a terminal or result that shows it) before anything is
// encrypted with it. OSKeyring reaches the OS keyring, each call bounded
// by its context and a timeout, with at most one call left blocked per
// entry in a locked keyring.
package secret

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/cakebackup/cakebackup/internal/errloc"
)

// MaxSize bounds how much of any password source is read: a password is
// one line, and a source such as /dev/zero must not fill the memory.
const MaxSize = 4096

// ErrEmpty is returned for a source whose first line is empty: an empty
// password protects nothing.
var ErrEmpty = errors.New("the first line is empty")

// ErrTooLong is returned for a source with no line end in its first
// MaxSize bytes.
var ErrTooLong = fmt.Errorf("no line end within the first %d bytes", MaxSize)

// ModeError is returned for a password file that other users may read or
// write.
type ModeError struct {
	Path string
	Mode fs.FileMode
}

func (e *ModeError) Error() string {
	return fmt.Sprintf("%s: mode is %04o, want 0600 or 0400 (chmod 600 %s): a password file must be readable by its owner only", e.Path, e.Mode.Perm(), e.Path)
}

// groupOrOthers reports whether a file's mode lets group or others at
// it. Windows has no Unix modes (Go reports 0666 or 0444 for every file),
// and its ACLs are not judged here.
func groupOrOthers(mode fs.FileMode) bool {
	return runtime.GOOS != "windows" && mode.Perm()&0o077 != 0
}

// FirstLine reads the first line of r, without its line end ("\n" or
// "\r\n"), reading at most MaxSize bytes past it.
func FirstLine(r io.Reader) (string, error) {
	return ReadLine(bufio.NewReaderSize(io.LimitReader(r, MaxSize+1), 512))
}

// ReadLine reads the next line from br, without its line end, refusing a
// line longer than MaxSize or an empty one. It reads nothing past the
// line, so br can go on to give the next answer.
func ReadLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		b, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		if b == '\n' {
			break
		}
		if len(line) == MaxSize {
			return "", ErrTooLong
		}
		line = append(line, b)
	}
	s := strings.TrimSuffix(string(line), "\r")
	if s == "" {
		return "", ErrEmpty
	}
	return s, nil
}

// ReadFile returns the first line of the file at path. A regular file
// must not be readable or writable by group or others (0600, 0400); a
// pipe or device (a shell's <(pass show x)) is read as it is, bounded
// like every source. A file that cannot be opened is "PATH: why", not
// "open PATH: why"; the error wraps the system's.
func ReadFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", errloc.Wrap(err, path, path)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", errloc.Wrap(err, path, path)
	}
	switch {
	case fi.IsDir():
		return "", fmt.Errorf("%s is a folder, not a regular file", path)
	case fi.Mode().IsRegular() && groupOrOthers(fi.Mode()):
		return "", &ModeError{Path: path, Mode: fi.Mode()}
	}
	pw, err := FirstLine(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return pw, nil
}
