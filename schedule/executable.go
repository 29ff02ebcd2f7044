package schedule

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// TemporaryBuildError is returned for a program a timer must not start:
// one that will not stay where it is.
type TemporaryBuildError struct {
	// Exe is the program's path.
	Exe string
}

// Error says the program will be gone.
func (e *TemporaryBuildError) Error() string {
	return e.Exe + " is a temporary build (go run or a temporary folder) that will be gone"
}

// CheckInstallable returns a *TemporaryBuildError for a program a timer
// must not point at: one `go run` built in the Go build cache, or any in
// a temporary folder. goCache is $GOCACHE (may be "").
func CheckInstallable(exe, goCache, tempDir string) error {
	within := func(dir string) bool {
		if dir == "" {
			return false
		}
		rel, err := filepath.Rel(dir, exe)
		return err == nil && filepath.IsLocal(rel)
	}
	slash := strings.ReplaceAll(exe, `\`, "/")
	if within(goCache) || within(tempDir) || strings.Contains(slash, "/go-build") {
		return &TemporaryBuildError{Exe: exe}
	}
	return nil
}

// InstallableExecutable is the running program's path as find (nil:
// os.Executable) gives it, symbolic links resolved, checked with
// CheckInstallable against $GOCACHE and the temporary folder.
func InstallableExecutable(find func() (string, error), getenv func(string) string) (string, error) {
	if find == nil {
		find = os.Executable
	}
	exe, err := find()
	if err != nil {
		return "", fmt.Errorf("finding the cakebackup program: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return "", fmt.Errorf("finding the cakebackup program: %w", err)
	}
	tmp := os.TempDir()
	if resolved, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = resolved
	}
	return exe, CheckInstallable(exe, getenv("GOCACHE"), tmp)
}
