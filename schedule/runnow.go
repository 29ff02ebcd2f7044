package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrUnknownJob is wrapped when RunNow is asked for a job the scheduler
// does not have, and by *UnknownJobError.
var ErrUnknownJob = errors.New("no such job")

// RunNow runs the named jobs at once, in the order given, whatever their
// schedule: under their lock (a job another process is running fails with
// an error wrapping ErrLocked), pruned, recorded in the state file and
// logged like any scheduled run. Every name is checked before anything
// runs. It returns an error wrapping ErrRunFailed when a run failed,
// ctx's error when it was cancelled, and a *SkippedError when a run was
// skipped.
func (s *Scheduler) RunNow(ctx context.Context, names []string) error {
	jobs := make([]Job, 0, len(names))
	for _, n := range names {
		j, ok := s.job(n)
		if !ok {
			return &JobError{Job: n, Err: ErrUnknownJob}
		}
		jobs = append(jobs, j)
	}
	return runEach(ctx, jobs, s.runNow)
}

// runEach calls run for each job in turn, going on after a failure, and
// returns an error wrapping ErrRunFailed and every failure, or ctx's error
// as soon as ctx is cancelled. Runs that were skipped are no failures:
// without one, their errors are returned joined.
func runEach(ctx context.Context, jobs []Job, run func(context.Context, Job) error) error {
	var failed, skips []error
	for _, job := range jobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := run(ctx, job)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return ctx.Err()
		case skipped(err):
			skips = append(skips, err)
		default:
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return &RunsError{Failed: failed}
	}
	return errors.Join(skips...)
}

// RunsError is the error of a pass or a RunNow in which runs failed: it
// wraps ErrRunFailed and every run's error, and says in one line how many
// failed and the first (each is logged as it fails).
type RunsError struct{ Failed []error }

// Error is the one failure, or how many there were and the first.
func (e *RunsError) Error() string {
	if len(e.Failed) == 1 {
		return fmt.Sprintf("%v: %v", ErrRunFailed, e.Failed[0])
	}
	return fmt.Sprintf("%v: %d runs failed; the first: %v", ErrRunFailed, len(e.Failed), e.Failed[0])
}

// Unwrap returns ErrRunFailed and every run's error.
func (e *RunsError) Unwrap() []error { return append([]error{ErrRunFailed}, e.Failed...) }

// runNow runs job under its lock, due or not.
func (s *Scheduler) runNow(ctx context.Context, job Job) error {
	lock, err := LockJob(s.LockDir, job.Name)
	if err != nil {
		return WithJobName(job.Name, err)
	}
	defer lock.Release()
	last, err := s.State.Job(job.Name)
	if err != nil {
		return err
	}
	return s.runLocked(ctx, job, last)
}

// job is the scheduler's job called name.
func (s *Scheduler) job(name string) (Job, bool) {
	for _, j := range s.Jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// Waiting is a job that is not due yet.
type Waiting struct {
	Job string
	// Next is when it is due.
	Next time.Time
}

// NotDue returns the jobs that are not due now, in order, with when they
// are, so a single pass (RunDue) can say why it ran nothing for them.
func (s *Scheduler) NotDue() ([]Waiting, error) {
	st, err := s.State.Load()
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var out []Waiting
	for _, job := range s.Jobs {
		t, err := job.Schedule()
		if err != nil {
			return nil, &JobError{Job: job.Name, Err: err}
		}
		if last := st.Jobs[job.Name]; !Due(t, last, now) {
			out = append(out, Waiting{Job: job.Name, Next: NextRun(t, last)})
		}
	}
	return out, nil
}
