package schedule

import (
	"errors"
	"fmt"
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

// LoadConfigFile is LoadConfig, except for a file a person named
// (named): one that is not there is a *MissingConfigError, not an empty
// config, since a mistyped name would otherwise read as a config with no
// jobs and no default destination ("all well", or a backup sent
// elsewhere). The default file may not exist yet.
func LoadConfigFile(path string, named bool) (*Config, error) {
	if _, err := os.Stat(path); named && errors.Is(err, fs.ErrNotExist) {
		return nil, &MissingConfigError{Path: path}
	}
	return LoadConfig(path)
}

// DestChoice is where a chosen destination is saved in the config file:
// as its default destination, as the one destination of a job, or both.
type DestChoice struct {
	// Default makes the choice the config's default_dest.
	Default bool
	// Job, when not "", is the job whose destinations the choice replaces.
	Job string
}

// Check reports whether the choice could be saved in the config file at
// path, before anyone is asked to choose: the file loads, and holds the
// job (else an *UnknownJobError).
func (d DestChoice) Check(path string) error {
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	if d.Job != "" {
		_, err = cfg.Find(d.Job)
	}
	return err
}

// Save writes spec into the config file at path as d says, and returns
// the job's destinations it replaced (nil when the job used the default,
// or d names no job). The file is read afresh, so edits made since Check
// (while a folder picker was open) are kept. An unknown job is an
// *UnknownJobError and nothing is written.
func (d DestChoice) Save(path, spec string) (replaced []string, err error) {
	cfg, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	if d.Default {
		cfg.DefaultDest = spec
	}
	if d.Job != "" {
		if replaced, err = cfg.SetDest(d.Job, spec); err != nil {
			return nil, err
		}
	}
	if err := cfg.Save(path); err != nil {
		return nil, fmt.Errorf("saving the chosen destination: %w", err)
	}
	return replaced, nil
}
