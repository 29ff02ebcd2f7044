package job

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/internal/regularfile"
)

// CheckSource refuses a folder to back up that is not there or is a
// file, with a *SourceError, and a data folder that holds no wallets or
// is the folder next to the app's data folder (a backup of the parent
// would nest the wallets one level too deep), with the
// *backup.DataFolderError that says which, unless allowEmpty. Other
// problems (an unreadable folder) are returned as they are.
func CheckSource(dir string, allowEmpty bool) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return &SourceError{Dir: dir}
	case err == nil && !fi.IsDir():
		return &SourceError{Dir: dir, NotFolder: true}
	}
	err = backup.CheckDataFolder(dir)
	var notData *backup.DataFolderError
	if allowEmpty && errors.As(err, &notData) {
		return nil
	}
	return err
}

// SourceError is a folder to back up that is not there (it wraps
// fs.ErrNotExist) or is not a folder.
type SourceError struct {
	Dir       string
	NotFolder bool
}

// Error implements error.
func (e *SourceError) Error() string {
	if e.NotFolder {
		return e.Dir + " is not a folder"
	}
	return e.Dir + ": no such file or folder"
}

// Unwrap returns fs.ErrNotExist for a folder that is not there.
func (e *SourceError) Unwrap() error {
	if e.NotFolder {
		return nil
	}
	return fs.ErrNotExist
}

// SettingsError is a settings file that is not the app's settings JSON.
type SettingsError struct {
	Path string
	// Why is what is wrong with it: the JSON error, or "null".
	Why string
}

// Error implements error.
func (e *SettingsError) Error() string {
	return fmt.Sprintf("%s is not the app's settings JSON (%s)", e.Path, e.Why)
}

// CheckSettings refuses, with a *SettingsError, a settings file that is
// not a JSON object: the app keeps its settings as one JSON object of
// keys and values (see examples/settings.json), and a restore would hand
// anything else to the app as its settings. The empty path (no settings)
// passes. Only a regular file of at most MaxSettingsSize bytes is read;
// a file that cannot be read is "PATH: why", without the system call's
// name.
func CheckSettings(path string) error {
	if path == "" {
		return nil
	}
	b, err := readSettings(path)
	if err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return &SettingsError{Path: path, Why: err.Error()}
	}
	if obj == nil {
		return &SettingsError{Path: path, Why: "null"}
	}
	return nil
}

// MaxSettingsSize bounds the settings file CheckSettings reads: the app's
// settings are a few kilobytes, and a path such as /dev/zero must not
// fill the memory.
const MaxSettingsSize = 16 << 20

// readSettings returns the bytes of the settings file at path, a regular
// file of at most MaxSettingsSize bytes (regularfile.Read): one that is
// not is a *SettingsError; one that cannot be read is "PATH: why".
func readSettings(path string) ([]byte, error) {
	b, err := regularfile.Read(path, MaxSettingsSize)
	switch {
	case errors.Is(err, regularfile.ErrFolder):
		return nil, &SettingsError{Path: path, Why: "a folder"}
	case errors.Is(err, regularfile.ErrNotRegular):
		return nil, &SettingsError{Path: path, Why: "not a regular file"}
	case errors.Is(err, regularfile.ErrTooBig):
		return nil, &SettingsError{Path: path, Why: fmt.Sprintf("larger than %d MiB", MaxSettingsSize>>20)}
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
