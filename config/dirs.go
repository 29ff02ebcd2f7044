// Package config says where cakebackup keeps its own files: the config
// file with the scheduled jobs and the saved default destination, the
// scheduler's state and locks, the Proton Drive session file. One
// resolver serves them all, with each OS's conventions, so no two parts
// of cakebackup can disagree on where a file is.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cakebackup/cakebackup/internal/winpath"
)

// appDir is the folder of cakebackup's own inside the OS's config and
// state folders.
const appDir = "cakebackup"

// ErrNoHome is wrapped when the environment names no folder to keep
// cakebackup's files in.
var ErrNoHome = errors.New("no folder for cakebackup's files")

// Env is what the resolver reads: environment variables and the OS
// ("linux", "darwin", "windows", ...). Tests describe other machines with
// it.
type Env struct {
	Getenv func(string) string
	GOOS   string
}

// OSEnv is this process's environment and OS.
func OSEnv(getenv func(string) string) Env { return Env{Getenv: getenv, GOOS: runtime.GOOS} }

// Dir returns cakebackup's config folder: $XDG_CONFIG_HOME/cakebackup
// when XDG_CONFIG_HOME is an absolute path, on every OS; else
// ~/.config/cakebackup on Linux and the BSDs, ~/Library/Application
// Support/cakebackup on macOS, %APPDATA%\cakebackup on Windows.
func (e Env) Dir() (string, error) {
	return e.base("XDG_CONFIG_HOME", map[string]string{
		"darwin":  "HOME:Library/Application Support",
		"windows": "APPDATA:",
		"":        "HOME:.config",
	})
}

// StateDir returns the folder of cakebackup's state (the scheduler's
// record of runs, its locks): $XDG_STATE_HOME/cakebackup when set; else
// ~/.local/state/cakebackup on Linux and the BSDs, ~/Library/Application
// Support/cakebackup/state on macOS, %LOCALAPPDATA%\cakebackup on
// Windows.
func (e Env) StateDir() (string, error) {
	dir, err := e.base("XDG_STATE_HOME", map[string]string{
		"darwin":  "HOME:Library/Application Support",
		"windows": "LOCALAPPDATA:",
		"":        "HOME:.local/state",
	})
	if err == nil && e.GOOS == "darwin" && e.abs("XDG_STATE_HOME") == "" {
		// Beside the config file, not mixed with it.
		dir = filepath.Join(dir, "state")
	}
	return dir, err
}

// File returns the config file, config.toml in Dir.
func (e Env) File() (string, error) {
	dir, err := e.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "config.toml"), nil
}

// DirError is File's folder that could not be made private.
type DirError struct{ Err error }

// Error implements error.
func (e *DirError) Error() string { return "config folder: " + e.Err.Error() }

// Unwrap returns why.
func (e *DirError) Unwrap() error { return e.Err }

// PrivateFile returns File, once its folder exists and is open to its
// owner only (PrivateDir): the folder is cakebackup's own and may hold
// secrets (the Proton session). A folder that cannot be made so is a
// *DirError.
func (e Env) PrivateFile() (string, error) {
	path, err := e.File()
	if err != nil {
		return "", err
	}
	if err := PrivateDir(filepath.Dir(path)); err != nil {
		return "", &DirError{Err: err}
	}
	return path, nil
}

// base resolves an XDG variable, else the OS's folder: rules maps a GOOS
// ("" for any other) to "VARIABLE:relative path".
func (e Env) base(xdg string, rules map[string]string) (string, error) {
	if d := e.abs(xdg); d != "" {
		return filepath.Join(d, appDir), nil
	}
	rule, ok := rules[e.GOOS]
	if !ok {
		rule = rules[""]
	}
	variable, rel, _ := strings.Cut(rule, ":")
	root := e.abs(variable)
	if root == "" {
		return "", fmt.Errorf("%w: set %s or %s to an absolute path", ErrNoHome, xdg, variable)
	}
	return filepath.Join(root, filepath.FromSlash(rel), appDir), nil
}

// abs returns the variable's value when it is an absolute path; the XDG
// spec says a relative value is invalid and is ignored.
func (e Env) abs(variable string) string {
	v := e.Getenv(variable)
	if !isAbs(v, e.GOOS) {
		return ""
	}
	return v
}

// isAbs is filepath.IsAbs for the described OS, so Windows paths are
// judged as Windows paths when the tests run on Linux.
func isAbs(p, goos string) bool {
	if goos == "windows" {
		return winpath.IsAbs(p)
	}
	return filepath.IsAbs(p)
}

// PrivateDir makes dir (and its parents) if missing, and makes sure dir
// itself is open to its owner only (0700), tightening it if it is not:
// it holds secrets such as the Proton session.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}
