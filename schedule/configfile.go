package schedule

import (
	"errors"
	"io/fs"
	"os"
)

// MissingConfigError is a config file that was named (rather than found
// at its default place) and is not there. It wraps fs.ErrNotExist.
type MissingConfigError struct{ Path string }

// Error implements error.
func (e *MissingConfigError) Error() string { return e.Path + ": no such config file" }

// Unwrap returns fs.ErrNotExist.
func (e *MissingConfigError) Unwrap() error { return fs.ErrNotExist }

// LoadNamedConfig is LoadConfig for a config file a person named: one
// that is not there is a *MissingConfigError, not an empty config, since
// a mistyped name would otherwise read as a config with no jobs and no
// default destination ("all well", or a backup sent elsewhere). The
// default file, which may not exist yet, is read with LoadConfig.
func LoadNamedConfig(path string) (*Config, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, &MissingConfigError{Path: path}
	}
	return LoadConfig(path)
}
