//go:build !windows

package local

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// askKnownFolder reads the XDG user-dirs file (macOS has none, so
// knownFolderDir ignores it there).
func askKnownFolder(_ knownFolder, getenv func(string) string) (osAnswer, error) {
	file := userDirsFile(getenv)
	if file == "" {
		return osAnswer{}, nil // knownFolderDir explains the missing HOME
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return osAnswer{}, nil
	}
	if err != nil {
		return osAnswer{}, fmt.Errorf("reading %s: %w", file, err)
	}
	defer f.Close()
	// The file is a few lines; anything past 64 KiB is not one.
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return osAnswer{}, fmt.Errorf("reading %s: %w", file, err)
	}
	return osAnswer{userDirs: string(b)}, nil
}
