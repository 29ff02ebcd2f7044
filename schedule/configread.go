package schedule

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
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
// file is read, and at most MaxConfigSize bytes of it: a FIFO would wait
// for a writer that may never come (and that even Ctrl-C cannot stop),
// /dev/zero never ends, and a config saved over a device would replace
// it.
func readConfigFile(path string) (data []byte, found bool, err error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, configFileError(path, err)
	}
	switch {
	case fi.IsDir():
		return nil, true, &ConfigFileError{Path: path, Err: ErrConfigFolder}
	case !fi.Mode().IsRegular():
		return nil, true, &ConfigFileError{Path: path, Err: ErrConfigNotRegular}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, true, configFileError(path, err)
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	switch {
	case err != nil:
		return nil, true, configFileError(path, err)
	case len(data) > MaxConfigSize:
		return nil, true, &ConfigFileError{Path: path, Err: ErrConfigTooBig}
	}
	return data, true, nil
}

// configFileError is err, from reading the file at path, as a
// *ConfigFileError with the system's reason alone: not "open PATH: ...".
func configFileError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &ConfigFileError{Path: path, Err: err}
}
