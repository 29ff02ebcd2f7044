package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cakebackup/cakebackup/destinations"
)

// Identity implements destinations.Identifier: the file's modification
// time (nanoseconds), size and, where the system has one, its file
// number (inode). Rewriting the file in place changes its time; replacing
// it changes its number.
func (f *Folder) Identity(ctx context.Context, name string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := checkName(name); err != nil {
		return "", err
	}
	path := filepath.Join(f.dir, name)
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !info.Mode().IsRegular()) {
		return "", fmt.Errorf("no backup %s in %s: %w", name, f.dir, destinations.ErrNotFound)
	}
	if err != nil {
		return "", explainReadFile("reading "+path, err)
	}
	id := fmt.Sprintf("mtime=%d size=%d", info.ModTime().UnixNano(), info.Size())
	if ino, ok := fileNumber(info); ok {
		id += fmt.Sprintf(" dev=%d ino=%d", ino.dev, ino.ino)
	}
	return id, nil
}

// fileID is a file's device and number.
type fileID struct{ dev, ino uint64 }
