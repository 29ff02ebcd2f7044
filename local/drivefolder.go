package local

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cakebackup/cakebackup/bytesize"
)

// BackupFolder is the folder on a drive that backups go into.
const BackupFolder = "cake_wallet_backups"

// maxFATFileSize is the largest file FAT32 (and FAT16) can hold.
const maxFATFileSize = 1<<32 - 1

// ErrFileTooLarge is wrapped by the error for a backup larger than the
// drive's file system can hold in one file (4 GiB on FAT32). Backups are
// never split across files.
var ErrFileTooLarge = errors.New("file too large for the drive's file system")

// DriveFolder is a destination in a folder on a removable drive. Before a
// backup starts it checks the drive has room for it with a margin, and
// that its file system can hold a file that large.
type DriveFolder struct {
	*Folder
	drive Drive
}

// NewDrive returns the destination for folder on drv, a path relative to
// the drive's mount point ("" means BackupFolder). A missing folder is
// made, with mode 0700, by the first backup stored there; until then it
// lists as empty. Its Spec is DriveSpec(drv, nil): Register sets the one
// that tells drv from the other drives plugged in.
func NewDrive(drv Drive, folder string) (*DriveFolder, error) {
	if folder == "" {
		folder = BackupFolder
	}
	if filepath.IsAbs(folder) || !filepath.IsLocal(folder) {
		return nil, fmt.Errorf("folder %q on drive %s must be a path inside the drive", folder, drv.Label)
	}
	info, err := os.Stat(drv.MountPoint)
	if err != nil {
		return nil, explainRead("opening drive "+drv.Label+" at "+drv.MountPoint, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("drive %s: %s is not a folder", drv.Label, drv.MountPoint)
	}
	dir := filepath.Join(drv.MountPoint, folder)
	var f *Folder
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		// Made by the first backup stored there, as Downloads is:
		// listing a drive or reading from it must write nothing, and
		// works on a write-protected one.
		f = &Folder{dir: dir, makeDir: true}
	} else if f, err = NewFolder(dir); err != nil {
		return nil, err
	}
	f.spec = DriveSpec(drv, nil)
	f.mounted = func() error { return sameFolder(drv.MountPoint, info) }
	f.room = func(dir string, sizeHint int64) error { return driveRoom(drv, dir, sizeHint) }
	return &DriveFolder{Folder: f, drive: drv}, nil
}

// sameFolder fails, with errDriveGone, when path no longer leads to the
// folder info describes: the drive mounted there was unmounted.
func sameFolder(path string, info fs.FileInfo) error {
	now, err := os.Stat(path)
	if err != nil || !os.SameFile(info, now) {
		return &fs.PathError{Op: "stat", Path: path, Err: errDriveGone}
	}
	return nil
}

// Drive returns the drive the destination is on.
func (d *DriveFolder) Drive() Drive { return d.drive }

// driveRoom refuses a backup of sizeHint bytes that the drive's file
// system cannot hold in one file, or that does not fit in its free space
// with a margin for the file system's own bookkeeping.
func driveRoom(drv Drive, dir string, sizeHint int64) error {
	if isFAT(drv.FSType) && sizeHint > maxFATFileSize {
		return fmt.Errorf("the backup (%s) is too large for drive %s: its FAT file system holds at most 4 GiB per file and backups are not split; use a drive formatted as exFAT, or another destination: %w",
			bytesize.Format(sizeHint), drv.Label, ErrFileTooLarge)
	}
	return checkRoom(dir, sizeHint, driveMargin(sizeHint))
}

// isFAT reports whether fsType names a FAT12/16/32 file system.
func isFAT(fsType string) bool {
	switch strings.ToLower(fsType) {
	case "vfat", "msdos", "fat", "fat32", "msdosfs":
		return true
	}
	return false
}
