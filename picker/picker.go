// Package picker lets a person choose where backups go without typing a
// path: the desktop's own folder chooser when a desktop session is present,
// otherwise a keyboard-driven terminal picker that browses local folders,
// removable drives and (when logged in) Proton Drive, and can create new
// folders. Whatever is chosen comes back as a --dest spec.
package picker

import (
	"context"
	"errors"
)

// ErrNoDestination is returned when the person cancels the picker (Esc
// or q).
var ErrNoDestination = errors.New("no destination chosen")

// ErrInterrupted is returned when the person presses Ctrl-C in the
// terminal picker: as everywhere else, it stops the command rather than
// answering it. (The picker's raw terminal turns Ctrl-C into a key, not
// SIGINT.)
var ErrInterrupted = errors.New("interrupted")

// FolderSource is one tree of folders the terminal picker can browse, such
// as this computer's file system or Proton Drive. Paths are opaque to the
// picker: only the source joins, splits and interprets them.
type FolderSource interface {
	// Name is shown to the person, e.g. "This computer" or "Proton Drive".
	Name() string
	// Root is the folder browsing starts in.
	Root() string
	// List returns the sub-folders of dir, in display order.
	List(ctx context.Context, dir string) ([]Folder, error)
	// Parent returns the folder containing dir, and false when dir is the
	// top of the tree.
	Parent(dir string) (string, bool)
	// Mkdir creates a folder called name inside dir and returns its path.
	Mkdir(ctx context.Context, dir, name string) (string, error)
	// Spec returns the --dest spec that stores backups in dir.
	Spec(dir string) string
}

// Folder is one entry of a folder listing.
type Folder struct {
	// Name is what the person sees.
	Name string
	// Path is what the source understands; it is passed back to List,
	// Mkdir, Parent and Spec.
	Path string
}

// Place is a shortcut shown at the top of a source's listing, such as a
// removable drive.
type Place struct {
	// Label is what the person sees, e.g. the drive's label.
	Label string
	// Path is the folder the shortcut opens.
	Path string
	// Spec, when set, is the --dest spec for choosing Path itself (such
	// as "usb:LABEL" for the top of a drive); otherwise it is a folder.
	Spec string
}

// PlaceLister is implemented by sources that offer shortcuts (removable
// drives) at the top of every listing.
type PlaceLister interface {
	Places() []Place
}

// Choice is a folder the person picked.
type Choice struct {
	// Source is the Name of the FolderSource the folder belongs to.
	Source string
	// Dir is the folder's path within its source.
	Dir string
	// Spec is the --dest spec for the folder.
	Spec string
}
