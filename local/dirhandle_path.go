package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cakebackup/cakebackup/internal/shareopen"
)

// pathDir is a directory that backups are written into, addressed by its
// path: the dirHandle of systems without Linux's openat and renameat2
// (dirhandle_other.go). It builds everywhere, so that its decisions are
// tested on Linux too.
type pathDir struct {
	f    *os.File
	path string
	sys  pathDirSys
}

// pathDirSys are the system calls pathDir makes that differ by system.
type pathDirSys struct {
	// link makes a hard link, failing where the file system has none.
	link func(oldPath, newPath string) error
	// renameExclusive renames, without replacing where the system can.
	renameExclusive func(oldPath, newPath string) error
	// syncUnsupported reports an error that says directories cannot be
	// flushed here.
	syncUnsupported func(error) bool
}

func openPathDir(path string, sys pathDirSys) (*pathDir, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &pathDir{f: f, path: path, sys: sys}, nil
}

// createExclusive creates name for reading and writing with mode 0600,
// failing if it exists.
func (d *pathDir) createExclusive(name string) (*os.File, error) {
	return os.OpenFile(filepath.Join(d.path, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// openRead opens name for reading, leaving it free to be renamed or
// removed meanwhile (shareopen.Read).
func (d *pathDir) openRead(name string) (*os.File, error) {
	return shareopen.Read(filepath.Join(d.path, name))
}

// remove unlinks name.
func (d *pathDir) remove(name string) error {
	return os.Remove(filepath.Join(d.path, name))
}

// renameNoReplace renames from to to, failing with an error that wraps
// fs.ErrExist when to is taken; it never replaces an existing file.
func (d *pathDir) renameNoReplace(from, to string) error {
	oldPath, newPath := filepath.Join(d.path, from), filepath.Join(d.path, to)
	err := d.sys.link(oldPath, newPath)
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
	return d.sys.renameExclusive(oldPath, newPath)
}

// sync flushes the directory's entries to the medium where the system
// supports it.
func (d *pathDir) sync() error {
	if err := d.f.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !d.sys.syncUnsupported(err) {
		return err
	}
	return nil
}

// stat describes the open directory itself.
func (d *pathDir) stat() (os.FileInfo, error) { return d.f.Stat() }

func (d *pathDir) close() error { return d.f.Close() }
