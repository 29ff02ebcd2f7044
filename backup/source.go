package backup

import (
	"context"
	"errors"
	"time"
)

// File is one file to put into the inner archive.
type File struct {
	// Name is the slash-separated path inside the inner archive.
	Name string
	// Path is where the file is on disk.
	Path string
	// Size is the file's length in bytes when it was collected.
	Size int64
	// ModTime is the file's modification time.
	ModTime time.Time
}

// Source is what a backup will contain.
type Source struct {
	// Files are the files to archive, sorted by Name.
	Files []File
	// TotalSize is the sum of the files' sizes, settings included.
	TotalSize int64
	// Skipped holds one human-readable line per file left out, such as
	// "skipped symlink wallets/x/y".
	Skipped []string
}

// Collect lists every regular file under dir, keeping its path relative to
// dir. settingsFile, when not empty, is added as "~_preferences_dump".
// Symlinks and special files are skipped and reported in Skipped. An
// unreadable file or folder is an error naming it.
func Collect(ctx context.Context, dir, settingsFile string) (*Source, error) {
	return nil, errors.New("backup.Collect: not implemented")
}
