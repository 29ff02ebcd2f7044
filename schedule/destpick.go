package schedule

import (
	"errors"
	"fmt"
	"io"
)

// NotSavableError is a choice the config file cannot take, found by Pick
// before anyone was asked to choose: the file does not load, or does not
// hold the job. It is the person's to fix.
type NotSavableError struct{ Err error }

// Error says why, as the config file's error does.
func (e *NotSavableError) Error() string { return e.Err.Error() }

// Unwrap returns the config file's error.
func (e *NotSavableError) Unwrap() error { return e.Err }

// Picked is the destination Pick chose, and where it was saved.
type Picked struct {
	// Spec is the chosen destination's spec.
	Spec string
	// Config is the config file it was saved in; "" when not saved.
	Config string
	// Replaced are the job's destinations Save replaced.
	Replaced []string
	choice   DestChoice
}

// WriteSaved writes what pick says of where the choice was saved
// (DestChoice.WriteSaved).
func (p Picked) WriteSaved(w io.Writer) error {
	return p.choice.WriteSaved(w, p.Config, p.Spec, p.Replaced)
}

// Pick is `cakebackup pick`'s flow. When d saves anything, it finds the
// config file (configPath, whose error it returns as is) and checks that
// the file can take the choice before choose asks for it (else a
// *NotSavableError), then saves the spec chosen (Save). A job the file
// does not hold is said after its path.
func (d DestChoice) Pick(configPath, choose func() (string, error)) (Picked, error) {
	p := Picked{choice: d}
	saves := d.Default || d.Job != ""
	var err error
	if saves {
		if p.Config, err = configPath(); err != nil {
			return Picked{}, err
		}
		if err := d.Check(p.Config); err != nil {
			return Picked{}, &NotSavableError{Err: inConfig(p.Config, err)}
		}
	}
	if p.Spec, err = choose(); err != nil {
		return Picked{}, err
	}
	if saves {
		if p.Replaced, err = d.Save(p.Config, p.Spec); err != nil {
			return Picked{}, inConfig(p.Config, err)
		}
	}
	return p, nil
}

// inConfig says an *UnknownJobError after path, the file without the job.
func inConfig(path string, err error) error {
	if errors.Is(err, ErrUnknownJob) {
		return fmt.Errorf("%s: %w", path, err)
	}
	return err
}
