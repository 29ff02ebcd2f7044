package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// preferencesEntry is where the app keeps its settings in the inner
// archive.
const preferencesEntry = "~_preferences_dump"

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

// ErrUnportableName is wrapped when a wallet's file has a name that a
// restore could not recreate on every supported system.
var ErrUnportableName = errors.New("name cannot be restored on every system")

// Collect lists every regular file under dir, keeping its path relative to
// dir. settingsFile, when not empty, is added as "~_preferences_dump" (in
// place of one in dir). Symlinks and special files are skipped and
// reported in Skipped. Names follow the rule Restore applies
// (entryNameProblem, and no two names that are one file on macOS or
// Windows): outside "wallets/" a file or folder breaking it is skipped and
// reported; inside, where it would be a wallet left out, it is an error
// (ErrUnportableName). An unreadable file or folder is an error naming it.
func Collect(ctx context.Context, dir, settingsFile string) (*Source, error) {
	src := &Source{}
	names := newNameSet(0)
	unportable := func(name, why string) error {
		// A file left out of the wallets folder would be a wallet
		// missing from the backup.
		if strings.HasPrefix(name, walletsFolder+"/") {
			return fmt.Errorf("%s %s: %w", QuoteName(name), why, ErrUnportableName)
		}
		src.Skipped = append(src.Skipped, "skipped "+QuoteName(name)+": it "+why+", so it could not be restored everywhere")
		return nil
	}
	// A wallet folder that is itself a symlink is followed; symlinks
	// inside it are not.
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("wallet folder %s: %w", dir, unwrapPathErr(err))
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("wallet folder %s is not a folder", dir)
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", QuoteName(path), unwrapPathErr(err))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return fmt.Errorf("cannot place %s in the backup: %w", QuoteName(path), err)
		}
		name := filepath.ToSlash(rel)
		if name == "." {
			return nil
		}
		if why := entryNameProblem(name); why != "" {
			if err := unportable(name, why); err != nil {
				return err
			}
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch t := d.Type(); {
		case d.IsDir():
			return nil
		case t&fs.ModeSymlink != 0:
			src.Skipped = append(src.Skipped, "skipped symlink "+QuoteName(name))
			return nil
		case !t.IsRegular():
			src.Skipped = append(src.Skipped, "skipped special file "+QuoteName(name))
			return nil
		}
		if settingsFile != "" && name == preferencesEntry {
			src.Skipped = append(src.Skipped, "skipped "+QuoteName(name)+" (replaced by the settings file)")
			return nil
		}
		if other, ok := names.add(name, false); !ok {
			return unportable(name, "is the same file as "+QuoteName(other)+" on macOS and Windows, or lies inside it")
		}
		f, err := collectFile(name, path)
		if err != nil {
			return err
		}
		src.Files = append(src.Files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if settingsFile != "" {
		if other, ok := names.add(preferencesEntry, false); !ok {
			return nil, fmt.Errorf("settings file: %s is the same file as %s on macOS and Windows: %w", preferencesEntry, other, ErrUnportableName)
		}
		f, err := collectFile(preferencesEntry, settingsFile)
		if err != nil {
			return nil, fmt.Errorf("settings file: %w", err)
		}
		src.Files = append(src.Files, f)
	}
	sort.Slice(src.Files, func(i, j int) bool { return src.Files[i].Name < src.Files[j].Name })
	for _, f := range src.Files {
		src.TotalSize += f.Size
	}
	return src, nil
}

// collectFile checks that path is a regular file we can open and records
// it under name.
func collectFile(name, path string) (File, error) {
	// Look before opening: opening a FIFO for reading would block.
	if fi, err := os.Stat(path); err != nil {
		return File{}, fmt.Errorf("cannot read %s: %w", QuoteName(path), unwrapPathErr(err))
	} else if !fi.Mode().IsRegular() {
		return File{}, fmt.Errorf("%s is not a regular file", QuoteName(path))
	}
	fh, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("cannot read %s: %w", QuoteName(path), unwrapPathErr(err))
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return File{}, fmt.Errorf("cannot read %s: %w", QuoteName(path), unwrapPathErr(err))
	}
	if !fi.Mode().IsRegular() {
		return File{}, fmt.Errorf("%s is not a regular file", QuoteName(path))
	}
	return File{Name: name, Path: path, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// unwrapPathErr drops the *fs.PathError wrapper so the path is not
// repeated in our message.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
