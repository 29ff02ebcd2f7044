package schedule

import "errors"

// JobError is an error of one job, naming it: "job NAME: " and what went
// wrong.
type JobError struct {
	Job string
	Err error
}

// Error is "job NAME: " and Err's message.
func (e *JobError) Error() string { return "job " + e.Job + ": " + e.Err.Error() }

// Unwrap returns what went wrong.
func (e *JobError) Unwrap() error { return e.Err }

// JobName is the job the message names.
func (e *JobError) JobName() string { return e.Job }

// jobNamer is an error whose message names its job already: a *JobError,
// a *NotInKeyringError, the runner's errors about a new job.
type jobNamer interface{ JobName() string }

// WithJobName returns err as an error of the job called name: err itself
// when some error in its chain names that job already, else a *JobError.
// A message names its job once ("job X: job X: ..." never).
func WithJobName(name string, err error) error {
	if named := jobNamer(nil); errors.As(err, &named) && named.JobName() == name {
		return err
	}
	return &JobError{Job: name, Err: err}
}
