package schedule

import (
	"errors"
	"fmt"
)

// NotSavableError is a choice the config file cannot take, found by Pick
// before anyone was asked to choose: the file does not load, or does not
// hold the job. It is the person's to fix.
type NotSavableError struct{ Err error }

// Error says why, as the config file's error does.
func (e *NotSavableError) Error() string { return e.Err.Error() }

// Unwrap returns the config file's error.
func (e *NotSavableError) Unwrap() error { return e.Err }

// Pick is `cakebackup pick`'s flow: when d saves anything (in the config
// file at path), it checks that the file can take the choice before
// choose asks for it (else a *NotSavableError), then saves the spec
// chosen (Save). It returns that spec and the job's destinations Save
// replaced. A job the file does not hold is said after path.
func (d DestChoice) Pick(path string, choose func() (string, error)) (spec string, replaced []string, err error) {
	saves := d.Default || d.Job != ""
	if saves {
		if err := d.Check(path); err != nil {
			return "", nil, &NotSavableError{Err: inConfig(path, err)}
		}
	}
	if spec, err = choose(); err != nil || !saves {
		return spec, nil, err
	}
	replaced, err = d.Save(path, spec)
	return spec, replaced, inConfig(path, err)
}

// inConfig says an *UnknownJobError after path, the file without the job.
func inConfig(path string, err error) error {
	if errors.Is(err, ErrUnknownJob) {
		return fmt.Errorf("%s: %w", path, err)
	}
	return err
}
