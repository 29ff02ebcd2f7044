package picker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cakebackup/cakebackup/local"
)

// LocalFolders is the FolderSource for this computer's file system.
// Removable drives are offered as shortcuts. A whole drive is named by its
// label ("usb:LABEL"), so a saved choice survives a changed mount point;
// the Downloads folder by "downloads", the spec `dests` lists it under
// and the default destination; every other folder by its path
// ("folder:PATH").
type LocalFolders struct {
	// Start is the folder browsing starts in, usually Downloads.
	Start string
	// Downloads is the user's Downloads folder, named "downloads" when
	// chosen; "" names it by its path.
	Downloads string
	// Drives are the removable drives, shown at the top of every listing.
	Drives []Place
}

// ThisComputer is this computer's folders, starting in Downloads (or the
// home folder when there is no Downloads folder, else the root), with the
// removable drives that drives (local.Detector.Drives) finds plugged in
// now at the top (none when drives is nil). getenv is the environment
// they are found with (nil for an empty one: browsing starts at the root).
func ThisComputer(ctx context.Context, getenv func(string) string, drives func(context.Context) ([]local.Drive, error)) LocalFolders {
	getenv = envOrNone(getenv)
	l := LocalFolders{Start: string(os.PathSeparator)}
	if home := getenv("HOME"); home != "" && isDir(home) {
		l.Start = home
	}
	if dl, err := local.DownloadsDir(getenv); err == nil && isDir(dl) {
		l.Start, l.Downloads = dl, dl
	}
	// Without drive detection the picker still browses every folder, so
	// a failure here is not worth stopping for.
	if drives == nil {
		return l
	}
	if found, err := drives(ctx); err == nil {
		for _, d := range found {
			l.Drives = append(l.Drives, Place{Label: d.Label, Path: d.MountPoint, Spec: local.DriveSpec(d, found)})
		}
	}
	return l
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// Name implements FolderSource.
func (l LocalFolders) Name() string { return "This computer" }

// Root implements FolderSource.
func (l LocalFolders) Root() string { return filepath.Clean(l.Start) }

// Places implements PlaceLister: the removable drives.
func (l LocalFolders) Places() []Place { return l.Drives }

// List implements FolderSource. It lists the sub-folders of dir (and
// symbolic links to folders), leaving out hidden ones, sorted by name
// without regard to case.
func (l LocalFolders) List(ctx context.Context, dir string) ([]Folder, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("open folder %s: %w", dir, pathErrCause(err))
	}
	var folders []Folder
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				isDir = true
			}
		}
		if isDir {
			folders = append(folders, Folder{Name: e.Name(), Path: p})
		}
	}
	sort.SliceStable(folders, func(i, j int) bool {
		a, b := strings.ToLower(folders[i].Name), strings.ToLower(folders[j].Name)
		if a != b {
			return a < b
		}
		return folders[i].Name < folders[j].Name
	})
	return folders, nil
}

// Parent implements FolderSource.
func (l LocalFolders) Parent(dir string) (string, bool) {
	dir = filepath.Clean(dir)
	up := filepath.Dir(dir)
	return up, up != dir
}

// Mkdir implements FolderSource. The new folder is private to its owner
// (0700): it is meant for wallet backups.
func (l LocalFolders) Mkdir(ctx context.Context, dir, name string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := CheckFolderName(name); err != nil {
		return "", err
	}
	p := filepath.Join(dir, name)
	if err := os.Mkdir(p, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("create folder %s: it already exists", p)
		}
		return "", fmt.Errorf("create folder %s: %w", p, pathErrCause(err))
	}
	return p, nil
}

// Spec implements FolderSource: the drive's own spec for the top of a
// removable drive (Place.Spec), "downloads" for the Downloads folder
// (however the chooser spelled its path: a desktop's may give the target
// of a link), "folder:PATH" for anything else.
func (l LocalFolders) Spec(dir string) string {
	dir = filepath.Clean(dir)
	for _, d := range l.Drives {
		if d.Spec != "" && filepath.Clean(d.Path) == dir {
			return d.Spec
		}
	}
	if l.Downloads != "" && sameDir(l.Downloads, dir) {
		return "downloads"
	}
	return "folder:" + dir
}

// sameDir reports whether a and b are one folder: the same path, or two
// paths to one folder.
func sameDir(a, b string) bool {
	if filepath.Clean(a) == b {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// pathErrCause strips the operation and path from a *fs.PathError so
// messages that already name the path do not repeat it.
func pathErrCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// CheckFolderName reports whether name can be a new folder's name on any
// source: not empty, not "." or "..", no path separators or control
// characters, at most 255 bytes.
func CheckFolderName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("folder name is empty")
	case name == "." || name == "..":
		return fmt.Errorf("folder name %q is not allowed", name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("folder name %q: must not contain / or \\", name)
	case len(name) > 255:
		return errors.New("folder name is longer than 255 bytes")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("folder name %q: must not contain control characters", name)
		}
	}
	return nil
}
