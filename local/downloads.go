package local

import (
	"fmt"
	"os"
)

// NewDownloads returns the destination for the user's Downloads folder
// (see DownloadsDir), creating it with mode 0700 if it is missing. Its
// Spec is "folder:PATH", so it reopens the same folder even where the
// environment differs, as under a scheduler.
func NewDownloads(getenv func(string) string) (*Folder, error) {
	dir, err := DownloadsDir(getenv)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, explain(fmt.Sprintf("creating the Downloads folder %s", dir), err)
	}
	return NewFolder(dir)
}
