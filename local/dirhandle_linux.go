package local

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// dirHandle is an open directory that backups are written into. On Linux
// every operation goes through the directory's file descriptor, so a
// drive unmounted mid-write cannot redirect a rename or a clean-up to
// whatever the path names afterwards.
type dirHandle struct {
	f    *os.File
	path string
}

func openDir(path string) (*dirHandle, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return &dirHandle{f: f, path: path}, nil
}

func (d *dirHandle) fd() int { return int(d.f.Fd()) }

// createExclusive creates name for reading and writing with mode 0600,
// failing if it exists.
func (d *dirHandle) createExclusive(name string) (*os.File, error) {
	fd, err := unix.Openat(d.fd(), name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &fs.PathError{Op: "create", Path: d.path + "/" + name, Err: err}
	}
	return os.NewFile(uintptr(fd), d.path+"/"+name), nil
}

// openRead opens name for reading.
func (d *dirHandle) openRead(name string) (*os.File, error) {
	fd, err := unix.Openat(d.fd(), name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: d.path + "/" + name, Err: err}
	}
	return os.NewFile(uintptr(fd), d.path+"/"+name), nil
}

// remove unlinks name.
func (d *dirHandle) remove(name string) error {
	if err := unix.Unlinkat(d.fd(), name, 0); err != nil {
		return &fs.PathError{Op: "remove", Path: d.path + "/" + name, Err: err}
	}
	return nil
}

// renameNoReplace renames from to to, failing with an error that wraps
// fs.ErrExist when to is taken; it never replaces an existing file.
func (d *dirHandle) renameNoReplace(from, to string) error {
	err := unix.Renameat2(d.fd(), from, d.fd(), to, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		// The file system cannot rename without replacing (FUSE file
		// systems such as exfat-fuse and ntfs-3g); a hard link fails the
		// same way when to is taken.
		err = unix.Linkat(d.fd(), from, d.fd(), to, 0)
		if err == nil {
			err = unix.Unlinkat(d.fd(), from, 0)
		} else if !errors.Is(err, unix.EEXIST) {
			// No hard links either: check, then rename. Another program
			// creating the same name in between is the one race left.
			err = d.renameIfFree(from, to)
		}
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: d.path + "/" + from, New: d.path + "/" + to, Err: err}
	}
	return nil
}

// renameIfFree renames from to to unless to exists.
func (d *dirHandle) renameIfFree(from, to string) error {
	var st unix.Stat_t
	err := unix.Fstatat(d.fd(), to, &st, unix.AT_SYMLINK_NOFOLLOW)
	if err == nil {
		return unix.EEXIST
	}
	if !errors.Is(err, unix.ENOENT) {
		return err
	}
	return unix.Renameat(d.fd(), from, d.fd(), to)
}

// sync flushes the directory's entries to the medium.
func (d *dirHandle) sync() error { return d.f.Sync() }

// stat describes the open directory itself.
func (d *dirHandle) stat() (os.FileInfo, error) { return d.f.Stat() }

func (d *dirHandle) close() error { return d.f.Close() }

// dropCache asks the kernel to forget f's cached pages, so reading f back
// reads what is on the medium rather than what is still in memory. It is
// advice: a failure only means the read-back may come from memory.
func dropCache(f *os.File) {
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

// startWriteback asks the kernel to start writing the n bytes of f at off
// to the medium, without waiting, so that the disk works while the rest
// of the backup is produced and the flush before the read-back finds
// little left to write. Failures of the writes are reported by that
// flush (fsync); sync_file_range only reports them when asked to wait.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
