package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/internal/process"
	"github.com/cakebackup/cakebackup/notify"
)

// Run is one run of a job: the job and the name its backup gets.
type Run struct {
	Job        Job
	BackupName string
	// Begin says the run goes ahead: the scheduler pings its start
	// (ping_url's /start) then. A RunFunc calls it before its work, once
	// it knows the run is not to be skipped, and before it returns; later
	// calls do nothing. A run that returns without calling it has its
	// start pinged as it ends, unless it was skipped: a skipped run pings
	// nothing, not a start that never ends.
	Begin func()
}

// Copy is a run's backup at one of the job's destinations.
type Copy struct {
	// Dest is the destination's spec, as the job gives it.
	Dest string
	// Entry is the committed and verified backup there.
	Entry destinations.Entry
}

// Result is what a run made: the verified copies of its backup. A run that
// failed at some of its destinations returns the copies the others hold
// together with its error.
type Result struct {
	Copies []Copy
	// Pruned counts the copies the run's own retention removed (a watch
	// job's, which prunes as it ships); the Prune step's are apart.
	Pruned int
}

// RunFunc makes the backup for one run. It must leave nothing behind when
// it fails or when ctx is cancelled, but for the verified copies it
// returns.
type RunFunc func(ctx context.Context, run Run) (Result, error)

// PruneFunc applies a job's retention at one destination after the run
// stored a verified copy there; newest is that copy.
type PruneFunc func(ctx context.Context, job Job, newest Copy) (PrunePlan, error)

// maxSleep bounds one wait of the loop, so a suspended machine or a clock
// change is noticed within a minute.
const maxSleep = time.Minute

// Scheduler runs due jobs, one at a time. Every field but Prune must be
// set.
type Scheduler struct {
	Jobs  []Job
	Run   RunFunc
	Prune PruneFunc // nil: no pruning
	Clock Clock
	State StateStore
	// LockDir holds one lock file per job, so two schedulers never run
	// the same job at once.
	LockDir string
	Log     *slog.Logger
	// Desktop shows desktop notifications for jobs with notify_desktop;
	// nil: this system's (notify.Desktop).
	Desktop notify.Notifier
	// Fix, when set, says what the person should do about a run's
	// error, for notifications ("run `cakebackup proton login`"); ""
	// when it does not know.
	Fix func(job Job, err error) string
}

// ErrRunFailed is wrapped by the error of a pass in which a run failed.
var ErrRunFailed = errors.New("scheduled backup failed")

// SkippedError is a RunFunc's error for a run that did not happen, and
// that is no failure of the job: another process was doing its work (a
// `cakebackup watch` shipping from a watch job's folder). The run is
// recorded as ResultSkipped with Err's message as why, is retried as a
// failed run is, and notifies nothing.
type SkippedError struct{ Err error }

// Error says why the run was skipped.
func (e *SkippedError) Error() string { return e.Err.Error() }

// Unwrap returns why the run was skipped.
func (e *SkippedError) Unwrap() error { return e.Err }

// skipped reports whether err is a skipped run's.
func skipped(err error) bool { return errors.As(err, new(*SkippedError)) }

// RunDue runs every job that is due now, in order, and returns an error
// wrapping ErrRunFailed when any run failed (each failure is also logged
// and recorded in the state file). A job another process holds the lock of
// is skipped, and so is a run that finds another process doing its work
// (recorded as ResultSkipped). When ctx is cancelled the run in progress is aborted and
// recorded as such, and RunDue returns ctx's error.
func (s *Scheduler) RunDue(ctx context.Context) error {
	err := runEach(ctx, s.Jobs, func(ctx context.Context, job Job) error {
		if err := s.runIfDue(ctx, job); !errors.Is(err, ErrLocked) && !skipped(err) {
			return err
		}
		return nil
	})
	if ctx.Err() != nil {
		return err
	}
	// A job that turned overdue since the last pass is told about now.
	if oerr := s.checkOverdue(ctx); oerr != nil {
		s.Log.Error("cannot check for overdue jobs", "error", errloc.OneLine(oerr.Error()))
	}
	return err
}

// Loop runs due jobs until ctx is cancelled, sleeping until the next one
// is due. Failed runs are logged and recorded, and retried per NextRun.
// It returns nil when ctx is cancelled, after aborting the run in
// progress; other errors (an unreadable state file) end it early.
func (s *Scheduler) Loop(ctx context.Context) error {
	for {
		if err := s.RunDue(ctx); err != nil && !errors.Is(err, ErrRunFailed) {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		next, err := s.NextDue()
		if err != nil {
			return err
		}
		wait := min(next.Sub(s.Clock.Now()), maxSleep)
		if wait < time.Second {
			// A job that stays due (its lock is held elsewhere) is
			// looked at again after a pause, not in a busy loop.
			wait = time.Second
		}
		if err := s.Clock.Sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

// NextDue returns the earliest next run over all jobs.
func (s *Scheduler) NextDue() (time.Time, error) {
	st, err := s.State.Load()
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	for i, job := range s.Jobs {
		t, err := job.Schedule()
		if err != nil {
			return time.Time{}, &JobError{Job: job.Name, Err: err}
		}
		n := NextRun(t, st.Jobs[job.Name])
		if i == 0 || n.Before(next) {
			next = n
		}
	}
	return next, nil
}

// runIfDue runs job if it is due, under its lock.
func (s *Scheduler) runIfDue(ctx context.Context, job Job) error {
	timing, err := job.Schedule()
	if err != nil {
		return &JobError{Job: job.Name, Err: err}
	}
	last, err := s.State.Job(job.Name)
	if err != nil {
		return err
	}
	if !Due(timing, last, s.Clock.Now()) {
		return nil
	}
	lock, err := LockJob(s.LockDir, job.Name)
	if errors.Is(err, ErrLocked) {
		s.Log.Info("skipped: another scheduler is running this job", "job", job.Name)
		return err
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	// Another scheduler may have run the job between the check and the
	// lock: look again.
	if last, err = s.State.Job(job.Name); err != nil {
		return err
	}
	if !Due(timing, last, s.Clock.Now()) {
		return nil
	}
	return s.runLocked(ctx, job, last)
}

// runLocked runs job once, prunes, records and logs the outcome.
func (s *Scheduler) runLocked(ctx context.Context, job Job, last JobState) error {
	start := s.Clock.Now()
	// Marked as running, so that a run killed before it records its end
	// shows as interrupted rather than as the run before it.
	mark := last
	mark.RunningSince, mark.RunningPID = start, os.Getpid()
	mark.RunningPIDStart = process.Started(mark.RunningPID)
	if err := s.State.Record(job.Name, mark); err != nil {
		s.Log.Warn("cannot record the run's start", "job", job.Name, "error", errloc.OneLine(err.Error()))
	}
	begun := false
	begin := func() {
		if !begun {
			begun = true
			s.notifyStart(ctx, job, start)
		}
	}
	res, err := s.Run(ctx, Run{Job: job, BackupName: BackupName(job.Name, start), Begin: begin})
	js := last
	js.RunningSince, js.RunningPID, js.RunningPIDStart = time.Time{}, 0, "" // this run's mark, or a killed one's
	var plan PrunePlan
	if len(res.Copies) > 0 {
		// The backup is made and verified there, whatever pruning does
		// next; a destination that failed this run is not pruned.
		if err == nil {
			js.LastSuccess = start
		}
		js.LastBackup, js.LastSize = res.locations(), res.Copies[0].Entry.Size
		if perr := s.prune(ctx, job, res.Copies, &plan); perr != nil && err == nil {
			err = perr
		}
	}
	end := s.Clock.Now()
	js.LastStart, js.LastEnd, js.LastError = start, end, ""
	attrs := []any{"job", job.Name, "start", start.Format(time.RFC3339), "duration", end.Sub(start).Round(time.Millisecond)}
	switch {
	case err == nil:
		js.LastResult = ResultOK
		attrs = append(attrs, "result", ResultOK)
		if len(res.Copies) > 0 {
			attrs = append(attrs, "size", js.LastSize, "where", js.LastBackup)
		} else {
			// A watch job's run that found no export it had not
			// shipped: js holds an earlier run's backup.
			attrs = append(attrs, "note", "nothing new to ship")
		}
		if job.Watch == "" {
			attrs = append(attrs, "kept", len(plan.Keep))
		}
		attrs = append(attrs, "pruned", len(plan.Remove)+res.Pruned)
		if len(plan.Rejected) > 0 {
			attrs = append(attrs, "not_backups", len(plan.Rejected))
		}
	case ctx.Err() != nil:
		js.LastResult, js.LastError = ResultAborted, "stopped by a signal before it finished; nothing was left behind"
		attrs = append(attrs, "result", ResultAborted)
	case skipped(err):
		js.LastResult, js.LastError = ResultSkipped, errloc.OneLine(err.Error())
		attrs = append(attrs, "result", ResultSkipped, "why", js.LastError)
	default:
		js.LastResult, js.LastError = ResultFailed, errloc.OneLine(err.Error())
		attrs = append(attrs, "result", ResultFailed, "error", js.LastError)
	}
	if js.LastResult == ResultOK || js.LastResult == ResultFailed {
		begin() // a run that did not say it began: its start before its end
	}
	alerts := s.runAlerts(job, &js, res, err, end, begun)
	if rerr := s.State.Record(job.Name, js); rerr != nil {
		s.Log.Error("cannot record run", "job", job.Name, "error", errloc.OneLine(rerr.Error()))
		if err == nil {
			err = rerr
		}
	}
	if js.LastResult == ResultOK || js.LastResult == ResultSkipped {
		s.Log.Info("backup", attrs...)
	} else {
		s.Log.Error("backup", attrs...)
	}
	s.send(ctx, job, alerts)
	if err != nil {
		return WithJobName(job.Name, err)
	}
	return nil
}

// prune applies job's retention at each destination holding a copy,
// adding up the plans; it goes on after a failure and returns the first.
func (s *Scheduler) prune(ctx context.Context, job Job, copies []Copy, plan *PrunePlan) error {
	if s.Prune == nil {
		return nil
	}
	var first error
	for _, c := range copies {
		p, err := s.Prune(ctx, job, c)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("backup %s was made, but pruning failed: %w", c.Entry.Location, err)
			}
			continue
		}
		plan.Keep = append(plan.Keep, p.Keep...)
		plan.Remove = append(plan.Remove, p.Remove...)
		plan.Rejected = append(plan.Rejected, p.Rejected...)
	}
	return first
}

// locations names where the copies are, for the log and the state file.
func (r Result) locations() string {
	locs := make([]string, len(r.Copies))
	for i, c := range r.Copies {
		locs[i] = c.Entry.Location
	}
	return strings.Join(locs, ", ")
}
