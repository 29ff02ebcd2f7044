// Package runner runs scheduled jobs with cakebackup's pipeline: a run of
// a backup job makes a backup with job.Make and records each verified
// copy, a run of a watch job ships its folder's new exports with package
// inbox, and pruning applies a job's retention (and its check_subset)
// with the format's integrity check. It also checks a new job against
// this machine before it is saved, and tells when a Proton session is
// growing old. Package schedule decides when; this package does the work,
// and the CLI only wires flags to it.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/notify"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/secret"
)

// Runner is what scheduled work needs from its surroundings.
type Runner struct {
	// Getenv reads the environment: where the state files are, the
	// Downloads folder.
	Getenv func(string) string
	// Registry opens destinations and names the kinds it knows.
	Registry *destinations.Registry
	// AppVersion names the program in every backup it makes, such as
	// "cakebackup 0.1.0".
	AppVersion string
	// Log gets one line per run and per problem; nil discards.
	Log *slog.Logger
	// Warnings gets a "warning: job NAME: ..." line for each source
	// entry a backup left out; nil discards.
	Warnings io.Writer
	// Keyring is the process's keyring, where the Proton session may be
	// kept (see proton.NewSessionStore); nil means a new OSKeyring at
	// each use.
	Keyring secret.Keyring

	// tweakBackup, when set, changes each backup before it is made:
	// tests set its retry waits and change a wallet file while it is
	// read (export_test.go).
	tweakBackup func(*job.Backup)
}

// PasswordFunc returns a job's backup password; it gives up when ctx
// ends.
type PasswordFunc func(context.Context, schedule.Job) (string, error)

// CheckPasswords returns the first error of reading the password of a
// job of jobs that needs one: a long-running scheduler fails on start
// rather than at 3 a.m.
func CheckPasswords(ctx context.Context, jobs []schedule.Job, password PasswordFunc) error {
	for _, j := range jobs {
		if !j.NeedsPassword() {
			continue
		}
		if _, err := password(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

// Serve runs sched's jobs as they fall due until ctx ends
// (Scheduler.Loop), once the password of each that needs one reads
// (CheckPasswords).
func Serve(ctx context.Context, sched *schedule.Scheduler, password PasswordFunc) error {
	if err := CheckPasswords(ctx, sched.Jobs, password); err != nil {
		return err
	}
	sched.Log.Info("scheduler started", "jobs", len(sched.Jobs))
	return sched.Loop(ctx)
}

// RunOnce is one pass of sched, what a timer starts: it says on notDue,
// one line each (schedule.WriteNotDue, runNow as there), which jobs it
// leaves because they are not due, then runs the due ones
// (Scheduler.RunDue). A pass stopped by the end of ctx is no failure.
func RunOnce(ctx context.Context, sched *schedule.Scheduler, notDue io.Writer, runNow func(job string) string) error {
	waiting, err := sched.NotDue()
	if err != nil {
		return err
	}
	// A line notDue did not take is no reason to leave the due jobs.
	_ = schedule.WriteNotDue(notDue, waiting, runNow)
	if err := sched.RunDue(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

func (r Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// Scheduler returns a scheduler over cfg's jobs (with cfg's alerts) that
// runs them as this package does, with its state and locks in the
// default places. desktop shows desktop notifications; fix says what to
// do about a run's error.
func (r Runner) Scheduler(cfg *schedule.Config, password PasswordFunc, desktop notify.Notifier, fix func(schedule.Job, error) string) (*schedule.Scheduler, error) {
	paths, err := schedule.DefaultPaths(r.Getenv)
	if err != nil {
		return nil, err
	}
	state := paths.StateFor(cfg.File, r.log())
	paths = paths.ForConfig(cfg.File)
	return &schedule.Scheduler{
		Jobs:    cfg.WithAlerts(cfg.Jobs),
		Desktop: desktop,
		Fix:     fix,
		Run: func(ctx context.Context, run schedule.Run) (schedule.Result, error) {
			if run.Job.Watch != "" {
				return r.ship(ctx, paths, cfg.DestsFor(run.Job), run, password)
			}
			run.Begin()
			return r.backUp(ctx, paths, cfg.DestsFor(run.Job), run, password)
		},
		Prune:   r.Prune(false),
		Clock:   schedule.SystemClock{},
		State:   state,
		LockDir: paths.Locks,
		Log:     r.log(),
	}, nil
}

// Status is the status of cfg's jobs at now (schedule.LoadStatus), from
// the state Scheduler's runs keep in the default places.
func (r Runner) Status(cfg *schedule.Config, now time.Time) (schedule.Statuses, error) {
	paths, err := schedule.DefaultPaths(r.Getenv)
	if err != nil {
		return schedule.Statuses{}, err
	}
	return schedule.LoadStatus(cfg, paths, r.log(), now)
}

// backUp makes a backup job's backup at dests and records each copy as
// verified: it was read back as it was stored, so retention need not
// read it again.
func (r Runner) backUp(ctx context.Context, paths schedule.Paths, dests []string, run schedule.Run, password PasswordFunc) (schedule.Result, error) {
	pw, err := password(ctx, run.Job)
	if err != nil {
		return schedule.Result{}, err
	}
	b := job.Backup{
		Source: run.Job.Source, Settings: run.Job.Settings, Dests: dests, Name: run.BackupName,
		Password: pw, ForApp: run.Job.ForApp, AppVersion: r.AppVersion,
		// A file the wallet app was saving: the log says why the run
		// waits before it tries again.
		OnRetry: func(attempt, of int, wait time.Duration, err error) {
			r.log().Warn(job.RetryNote(attempt, of, wait, err), "job", run.Job.Name)
		},
	}
	if r.tweakBackup != nil {
		r.tweakBackup(&b)
	}
	made, err := job.Make(ctx, r.Registry.Open, b)
	if made == nil {
		return schedule.Result{}, err
	}
	for _, st := range made.Stores {
		if st.Reclaimed.Files > 0 {
			// What killed runs had left there, found and removed.
			r.log().Info("removed leftovers of interrupted runs", "job", run.Job.Name, "dest", st.Dest,
				"files", st.Reclaimed.Files, "bytes", st.Reclaimed.Bytes)
		}
	}
	if r.Warnings != nil {
		for _, s := range made.Skipped {
			fmt.Fprintf(r.Warnings, "warning: job %s: %s\n", run.Job.Name, s)
		}
	}
	var res schedule.Result
	verified := schedule.VerifiedStore{Path: paths.VerifiedPath()}
	for _, st := range made.Stores.Good() {
		res.Copies = append(res.Copies, schedule.Copy{Dest: st.Dest, Entry: st.Entry})
		if rerr := verified.RecordStored(st.Spec, run.Job.Name, st.Entry.Name, st.Entry.Size, st.SHA512, st.Identity, time.Now()); rerr != nil {
			r.log().Warn("cannot record the verified backup", "job", run.Job.Name, "err", rerr)
		}
	}
	return res, err
}

// ship is a run of a watch job: one look at its folder, shipping what is
// ready to dests. It begins the run (run.Begin) only once no other
// process ships from the folder, so a skipped run pings nothing.
func (r Runner) ship(ctx context.Context, paths schedule.Paths, dests []string, run schedule.Run, password PasswordFunc) (schedule.Result, error) {
	j := run.Job
	var pw string
	if j.NeedsPassword() {
		var err error
		if pw, err = password(ctx, j); err != nil {
			return schedule.Result{}, err
		}
	}
	dir, err := inbox.Folder(j, r.Getenv)
	if err != nil {
		return schedule.Result{}, err
	}
	in, err := inbox.New(dir, dests, r.Registry.Open, paths, r.Getenv, r.log().With("job", j.Name))
	if err != nil {
		return schedule.Result{}, &ShipError{Err: err}
	}
	in.Password, in.RemoveAfterSend, in.Retention = pw, j.RemoveAfterSend, j.Retention
	// The start is pinged once the pass holds the folder: a pass refused
	// because another process ships from it pings nothing.
	in.Started = run.Begin
	rep, err := in.Once(ctx)
	switch {
	case errors.Is(err, inbox.ErrBusy):
		// A `cakebackup watch` of the folder ships what this run would.
		return schedule.Result{}, &schedule.SkippedError{Err: &ShipError{Err: err}}
	case err != nil:
		err = &ShipError{Err: err}
	}
	return rep.Result(), err
}

// ShipError marks the error of a watch job's pass over its folder (the
// inbox's error, or why there is no inbox), so the caller can word it as
// it words the inbox's.
type ShipError struct{ Err error }

// Error is the inbox's error.
func (e *ShipError) Error() string { return e.Err.Error() }

// Unwrap returns the inbox's error.
func (e *ShipError) Unwrap() error { return e.Err }

// Prune returns the scheduler's prune step: it applies a job's retention
// at the destination of its newest copy and, when the job has a
// check_subset (and this is not a dry run), checks that destination. A
// watch job prunes the copies it shipped as it ships them, so here it
// prunes nothing.
func (r Runner) Prune(dryRun bool) schedule.PruneFunc {
	return func(ctx context.Context, j schedule.Job, newest schedule.Copy) (schedule.PrunePlan, error) {
		checking := j.CheckSubset != "" && !dryRun
		if (j.Retention.Empty() && !checking) || j.Watch != "" {
			return schedule.PrunePlan{}, nil
		}
		dest, err := r.Registry.Open(ctx, newest.Dest)
		if err != nil {
			return schedule.PrunePlan{}, err
		}
		defer dest.Close()
		var plan schedule.PrunePlan
		if !j.Retention.Empty() {
			paths, err := schedule.DefaultPaths(r.Getenv)
			if err != nil {
				return plan, err
			}
			// What verified before and has not changed since is not read again.
			verified := schedule.VerifiedStore{Path: paths.VerifiedPath()}
			memo, err := verified.Memo(dest.Spec())
			if err != nil {
				return plan, err
			}
			p := schedule.Pruner{Store: dest, Verify: backup.IntegrityCheck, Location: time.Local, DryRun: dryRun, Memo: memo}
			plan, err = p.Prune(ctx, j, newest.Entry)
			if err = errors.Join(err, verified.Save(memo)); err != nil {
				return plan, err
			}
		}
		if checking {
			n, t, err := schedule.ParseGroup(j.CheckSubset)
			if err != nil {
				return plan, err
			}
			_, err = r.Check(ctx, dest, check.Options{Subset: check.Subset{N: n, T: t}, Rotate: true})
			return plan, err
		}
		return plan, nil
	}
}

// PruneJob applies job's retention now at each of its destinations
// (dests), under the job's lock so no scheduler writes its backup
// meanwhile, and returns the plan at each, in the order of dests. It goes
// on after a destination fails and returns every failure.
func (r Runner) PruneJob(ctx context.Context, j schedule.Job, dests []string, dryRun bool) ([]schedule.PrunePlan, error) {
	paths, err := schedule.DefaultPaths(r.Getenv)
	if err != nil {
		return nil, err
	}
	lock, err := schedule.LockJob(paths.Locks, j.Name)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	plans := make([]schedule.PrunePlan, len(dests))
	var errs []error
	for i, spec := range dests {
		plans[i], err = r.Prune(dryRun)(ctx, j, schedule.Copy{Dest: spec})
		errs = append(errs, err)
	}
	return plans, errors.Join(errs...)
}

// Pruning is what PruneNow did for a job: its plan at each destination,
// none for a job without keep_* rules or a watch job.
type Pruning struct {
	Job    schedule.Job
	Plans  []schedule.PrunePlan
	DryRun bool
}

// PruneNow is schedule prune: PruneJob at each of j's destinations in
// cfg, unless j keeps all its backups (no keep_* rule) or is a watch
// job, whose rules are applied to the exports it shipped each time it
// ships one.
func (r Runner) PruneNow(ctx context.Context, cfg *schedule.Config, j schedule.Job, dryRun bool) (Pruning, error) {
	p := Pruning{Job: j, DryRun: dryRun}
	if j.Retention.Empty() || j.Watch != "" {
		return p, nil
	}
	var err error
	p.Plans, err = r.PruneJob(ctx, j, cfg.DestsFor(j), dryRun)
	return p, err
}

// Check checks dest with the format's integrity check (opts.Verify and
// opts.Memo are set here), recording the results in the verification
// file, so a later check or prune need not read again what has not
// changed. A backup that failed makes an error wrapping check.ErrFailed.
func (r Runner) Check(ctx context.Context, dest destinations.Destination, opts check.Options) (*check.Report, error) {
	paths, err := schedule.DefaultPaths(r.Getenv)
	if err != nil {
		return nil, err
	}
	verified := schedule.VerifiedStore{Path: paths.VerifiedPath()}
	memo, err := verified.Memo(dest.Spec())
	if err != nil {
		return nil, err
	}
	opts.Memo, opts.Verify = memo, backup.IntegrityCheck
	rep, err := check.Run(ctx, dest, opts)
	return rep, errors.Join(err, verified.Save(memo))
}
