// Package local stores backups on this computer: in any folder, in the
// Downloads folder, and on removable drives such as USB sticks and SD
// cards. Every write is atomic: a backup appears under its final name only
// after it was flushed to the medium, read back and verified, and an
// existing file is never overwritten.
package local

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cakebackup/cakebackup/destinations"
)

// Folder is a destination that stores each backup as one file in a
// directory.
type Folder struct {
	dir  string // absolute, clean path
	spec string
	// room, when set, is asked before a backup starts whether the folder
	// has space for sizeHint bytes.
	room func(dir string, sizeHint int64) error
	// makeDir: dir may be missing (a Downloads folder no backup went to
	// yet); the first backup makes it, and until then it lists as empty.
	makeDir bool
	// mounted, when set, fails when the drive dir is on is no longer
	// mounted where it was when the destination was opened.
	mounted func() error
}

// NewFolder returns the destination for the existing directory dir, made
// absolute. It does not create dir: a mistyped path should fail loudly,
// not quietly grow a new folder.
func NewFolder(dir string) (*Folder, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, &destinations.ArgError{Reason: "no folder given: use folder:PATH"}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("folder %s: %w", dir, err)
	}
	info, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		// Wraps destinations.ErrNotFound and says so once ("folder X
		// does not exist", not "...: not found").
		return nil, &destinations.FolderMissingError{Msg: "folder " + abs + " does not exist"}
	}
	if err != nil {
		return nil, explainRead("opening folder "+abs, err)
	}
	if !info.IsDir() {
		// The person's to fix, whatever is plugged in: a usage error.
		return nil, &destinations.ArgError{Reason: abs + " is not a folder"}
	}
	return &Folder{dir: abs, spec: "folder:" + abs, room: folderRoom}, nil
}

// folderRoom refuses a backup larger than the folder's free space.
func folderRoom(dir string, sizeHint int64) error { return checkRoom(dir, sizeHint, 0) }

// Dir returns the folder's absolute path.
func (f *Folder) Dir() string { return f.dir }

// Spec returns "folder:DIR".
func (f *Folder) Spec() string { return f.spec }

// Close does nothing: a folder holds nothing open between calls.
func (f *Folder) Close() error { return nil }

// Create starts writing the backup called name into a hidden temporary
// file in the folder. When sizeHint is known and the folder's file system
// has less room than that, it fails at once with an error wrapping
// destinations.ErrNoSpace.
func (f *Folder) Create(ctx context.Context, name string, sizeHint int64) (destinations.Pending, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("backup name %q must not start with a dot: the backup would be hidden", name)
	}
	// An unmounted drive leaves its mount point an empty folder of the
	// disk below, where the folder would be made and the backup written.
	if f.mounted != nil {
		if err := f.mounted(); err != nil {
			return nil, explain(fmt.Sprintf("starting backup %s in %s", name, f.dir), err)
		}
	}
	// The room is checked before the folder is made, so that a backup
	// refused for want of space leaves nothing behind.
	roomDir, missing := f.dir, false
	if f.makeDir {
		if _, err := os.Lstat(f.dir); errors.Is(err, fs.ErrNotExist) {
			roomDir, missing = filepath.Dir(f.dir), true
		}
	}
	if f.room != nil && sizeHint >= 0 {
		if err := f.room(roomDir, sizeHint); err != nil {
			return nil, err
		}
	}
	if missing {
		if err := os.MkdirAll(f.dir, 0o700); err != nil {
			return nil, explain("creating the folder "+f.dir, err)
		}
	}
	p, err := createPending(ctx, f.dir, name, sizeHint)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// List returns the regular files in the folder that are not temporary
// files of an unfinished backup, oldest first.
func (f *Folder) List(ctx context.Context) ([]destinations.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dirents, err := os.ReadDir(f.dir)
	if f.makeDir && errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, explainRead("listing "+f.dir, err)
	}
	var entries []destinations.Entry
	for _, de := range dirents {
		if !de.Type().IsRegular() || isTempName(de.Name()) {
			continue
		}
		info, err := de.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted since ReadDir
		}
		if err != nil {
			return nil, explainRead("listing "+f.dir, err)
		}
		entries = append(entries, destinations.Entry{
			Name:     de.Name(),
			Size:     info.Size(),
			ModTime:  info.ModTime(),
			Location: filepath.Join(f.dir, de.Name()),
		})
	}
	slices.SortFunc(entries, func(a, b destinations.Entry) int {
		return cmp.Or(a.ModTime.Compare(b.ModTime), cmp.Compare(a.Name, b.Name))
	})
	return entries, nil
}

// Open opens the backup file called name.
func (f *Folder) Open(ctx context.Context, name string) (destinations.Reader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	path := filepath.Join(f.dir, name)
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no backup %s in %s: %w", name, f.dir, destinations.ErrNotFound)
	}
	if err != nil {
		return nil, explainReadFile("opening "+path, err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, explainReadFile("opening "+path, err)
	}
	if !info.Mode().IsRegular() {
		file.Close()
		return nil, fmt.Errorf("%s is not a backup file: %w", path, destinations.ErrNotFound)
	}
	return destinations.NewFileReader(file, info.Size()), nil
}

// Delete removes the backup file called name and flushes the folder.
func (f *Folder) Delete(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return err
	}
	path := filepath.Join(f.dir, name)
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no backup %s in %s: %w", name, f.dir, destinations.ErrNotFound)
	}
	if err != nil {
		return explain("deleting "+path, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a backup file: %w", path, destinations.ErrNotFound)
	}
	if err := os.Remove(path); err != nil {
		return explain("deleting "+path, err)
	}
	dir, err := openDir(f.dir)
	if err != nil {
		return explain("deleting "+path, err)
	}
	defer dir.close()
	if err := dir.sync(); err != nil {
		return explain("deleting "+path, err)
	}
	return nil
}

// maxNameLen leaves room in a 255-byte file name for the temporary
// file's prefix and suffix and a "-N" conflict suffix.
const maxNameLen = 200

// checkName refuses backup names that are not a plain file name, or that
// could be mistaken for a temporary file.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("empty backup name")
	case len(name) > maxNameLen:
		return fmt.Errorf("backup name %.40q... is longer than %d bytes", name, maxNameLen)
	case name == "." || name == "..":
		return fmt.Errorf("backup name %q is not a file name", name)
	case strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("backup name %q must be a plain file name, without / or \\", name)
	case strings.Contains(name, tempMarker):
		return fmt.Errorf("backup name %q must not contain %q", name, tempMarker)
	}
	return nil
}
