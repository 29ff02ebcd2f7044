package schedule

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/cakebackup/cakebackup/internal/regularfile"
)

// MaxConfigSize bounds how much of a config file is read: a config is a
// few kilobytes, and a path such as /dev/zero must not fill the memory.
const MaxConfigSize = 1 << 20

// Why a config file was not read, wrapped by a *ConfigFileError.
var (
	ErrConfigFolder     = errors.New("a folder, not a config file")
	ErrConfigNotRegular = errors.New("not a regular file, so not a config file")
	ErrConfigTooBig     = fmt.Errorf("larger than %d MiB, so not a config file", MaxConfigSize>>20)
)

// ConfigFileError is a config file that could not be read: "PATH: why",
// why being the system's reason (no permission, a loop of symbolic
// links) or one of ErrConfigFolder, ErrConfigNotRegular, ErrConfigTooBig.
type ConfigFileError struct {
	Path string
	Err  error
}

// Error implements error.
func (e *ConfigFileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns why the file was not read.
func (e *ConfigFileError) Unwrap() error { return e.Err }

// readConfigFile returns the bytes of the config file at path; found is
// false, with no error, when there is nothing at path. Only a regular
// file is read, and at most MaxConfigSize bytes of it
// (regularfile.Read): a config saved over a device would replace it.
func readConfigFile(path string) (data []byte, found bool, err error) {
	data, err = regularfile.Read(path, MaxConfigSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case errors.Is(err, regularfile.ErrFolder):
		err = ErrConfigFolder
	case errors.Is(err, regularfile.ErrNotRegular):
		err = ErrConfigNotRegular
	case errors.Is(err, regularfile.ErrTooBig):
		err = ErrConfigTooBig
	}
	if err != nil {
		return nil, true, &ConfigFileError{Path: path, Err: err}
	}
	return data, true, nil
}
