package local

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Directory implements destinations.LocalFolder: the folder's own
// FileInfo, following links, so a folder reached through a symbolic link
// or a bind mount is known as the one it is.
//
// A folder that does not exist yet (Downloads or a drive's backup folder
// before their first backup) has no inode to compare: its nearest
// existing parent stands for it, with the path from there. That parent is
// compared by inode too, so a missing folder reached two ways (through a
// link or a bind mount of its parent) is still one folder; only a path
// through a link that does not lead anywhere yet is not seen through.
func (f *Folder) Directory() (fs.FileInfo, string, error) {
	info, err := os.Stat(f.dir)
	if err == nil {
		if !info.IsDir() {
			return nil, "", fmt.Errorf("%s is not a folder", f.dir)
		}
		return info, "", nil
	}
	if !f.makeDir || !errors.Is(err, fs.ErrNotExist) {
		return nil, "", explainRead("opening folder "+f.dir, err)
	}
	dir, rest := f.dir, ""
	for {
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, "", explainRead("opening folder "+f.dir, err)
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
		info, perr := os.Stat(dir)
		if perr == nil && info.IsDir() {
			return info, rest, nil
		}
		if perr == nil || !errors.Is(perr, fs.ErrNotExist) {
			// A file in the way, or a parent that cannot be looked
			// at: the first backup fails there and says why.
			return nil, "", explainRead("opening folder "+f.dir, cmp.Or(perr, fmt.Errorf("%s is not a folder", dir)))
		}
	}
}
