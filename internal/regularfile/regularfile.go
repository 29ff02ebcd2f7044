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
// them. It opens the path once, without waiting (see open: opening a
// FIFO would wait for a writer that may never come, and that even
// Ctrl-C cannot stop), then asks the open file what it is, so a FIFO or
// device put in the file's place between a look and the open is refused
// too; nor is /dev/zero, which never ends, read. A folder is ErrFolder,
// another file that is not regular ErrNotRegular, a file over max bytes
// ErrTooBig; the system's errors come without their *fs.PathError
// ("open PATH: "), so the caller names the path once, and still match
// fs.ErrNotExist and the like.
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
	f, err := open(path)
	if err != nil {
		// A folder this user may not list cannot be opened, but is
		// still a folder, and a socket, which no open opens (ENXIO),
		// is not a regular file: a look, opening nothing, tells.
		fi, serr := os.Stat(path)
		switch {
		case serr == nil && fi.IsDir():
			return nil, ErrFolder
		case serr == nil && !fi.Mode().IsRegular():
			return nil, ErrNotRegular
		}
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
