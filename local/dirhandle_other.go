//go:build !linux

package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// dirHandle is a directory that backups are written into, addressed by
// its path.
type dirHandle struct {
	f    *os.File
	path string
}

func openDir(path string) (*dirHandle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &dirHandle{f: f, path: path}, nil
}

// createExclusive creates name for reading and writing with mode 0600,
// failing if it exists.
func (d *dirHandle) createExclusive(name string) (*os.File, error) {
	return os.OpenFile(filepath.Join(d.path, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// openRead opens name for reading.
func (d *dirHandle) openRead(name string) (*os.File, error) {
	return os.Open(filepath.Join(d.path, name))
}

// remove unlinks name.
func (d *dirHandle) remove(name string) error {
	return os.Remove(filepath.Join(d.path, name))
}

// renameNoReplace renames from to to, failing with an error that wraps
// fs.ErrExist when to is taken; it never replaces an existing file.
func (d *dirHandle) renameNoReplace(from, to string) error {
	oldPath, newPath := filepath.Join(d.path, from), filepath.Join(d.path, to)
	err := os.Link(oldPath, newPath)
	if err == nil {
		return os.Remove(oldPath)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	// No hard links here (FAT, exFAT): check, then rename. Another
	// program creating the same name in between is the one race left.
	if _, serr := os.Lstat(newPath); serr == nil {
		return &os.LinkError{Op: "rename", Old: oldPath, New: newPath, Err: fs.ErrExist}
	}
	return renameExclusive(oldPath, newPath)
}

// sync flushes the directory's entries to the medium where the system
// supports it.
func (d *dirHandle) sync() error {
	if err := d.f.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !isSyncUnsupported(err) {
		return err
	}
	return nil
}

// stat describes the open directory itself.
func (d *dirHandle) stat() (os.FileInfo, error) { return d.f.Stat() }

func (d *dirHandle) close() error { return d.f.Close() }
