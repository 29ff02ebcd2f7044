// Package local stores backups on this computer: in any folder, in the
// Downloads folder, and on removable drives such as USB sticks and SD
// cards. Every write is atomic: a backup appears under its final name only
// after it was flushed to the medium, read back and verified, and an
// existing file is never overwritten.
package local

import (
	"context"
	"errors"
	"fmt"

	"github.com/cakebackup/cakebackup/destinations"
)

// Folder is a destination that stores each backup as one file in a
// directory.
type Folder struct {
	dir  string // absolute path
	spec string
}

// NewFolder returns the destination for the existing directory dir, made
// absolute. It does not create dir: a mistyped path should fail loudly,
// not quietly grow a new folder.
func NewFolder(dir string) (*Folder, error) {
	return nil, errors.New("folder: not implemented yet")
}

// Dir returns the folder's absolute path.
func (f *Folder) Dir() string { return f.dir }

// Spec returns "folder:DIR".
func (f *Folder) Spec() string { return f.spec }

// Create starts writing the backup called name into a hidden temporary
// file in the folder.
func (f *Folder) Create(ctx context.Context, name string, sizeHint int64) (destinations.Pending, error) {
	return nil, fmt.Errorf("create %s: not implemented yet", name)
}

// List returns the regular files in the folder that are not temporary
// files of an unfinished backup, oldest first.
func (f *Folder) List(ctx context.Context) ([]destinations.Entry, error) {
	return nil, errors.New("list: not implemented yet")
}

// Open opens the backup file called name.
func (f *Folder) Open(ctx context.Context, name string) (destinations.Reader, error) {
	return nil, errors.New("open: not implemented yet")
}

// Delete removes the backup file called name.
func (f *Folder) Delete(ctx context.Context, name string) error {
	return errors.New("delete: not implemented yet")
}
