// Package regularfile reads small files people name on the command line
// (a config, the app's settings) the one careful way: only a regular
// file, and no more of it than a bound.
package regularfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// Why a file was not read.
var (
	ErrFolder     = errors.New("a folder")
	ErrNotRegular = errors.New("not a regular file")
	ErrTooBig     = errors.New("too big")
)

// Read returns the bytes of the regular file at path, at most max of
// them. It looks at the path first and opens only a regular file, then
// opens it without waiting (see open: opening a FIFO would wait for a
// writer that may never come, and that even Ctrl-C cannot stop) and
// asks the open file what it is, so a FIFO or device put in the file's
// place between the look and the open is refused too; nor is /dev/zero,
// which never ends, read. A folder is ErrFolder, another file that is
// not regular ErrNotRegular, a file over max bytes ErrTooBig; the
// system's errors come without their *fs.PathError ("open PATH: "), so
// the caller names the path once, and still match fs.ErrNotExist and the
// like.
func Read(path string, max int64) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	switch {
	case err != nil:
		return nil, unwrap(err)
	case int64(len(data)) > max:
		return nil, ErrTooBig
	}
	return data, nil
}

// openRegular opens the regular file at path for Read, refusing
// anything else (see Read).
func openRegular(path string) (*os.File, error) {
	// A look first, opening nothing: a device named by mistake is
	// refused without being opened, as opening some has effects (a
	// watchdog starts counting, a tape rewinds), and so is a folder
	// this user may not list, and a socket, which no open opens
	// (ENXIO). What is not there yet is left to the open to say.
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return nil, ErrFolder
		case !fi.Mode().IsRegular():
			return nil, ErrNotRegular
		}
	}
	f, err := open(path)
	if err != nil {
		return nil, unwrap(err)
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case fi.IsDir():
		err = ErrFolder
	case !fi.Mode().IsRegular():
		err = ErrNotRegular
	default:
		err = blocking(f)
	}
	if err != nil {
		f.Close()
		return nil, unwrap(err)
	}
	return f, nil
}

// unwrap drops err's *fs.PathError, keeping the system's reason.
func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
