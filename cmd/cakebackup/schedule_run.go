package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/schedule"
)

func scheduleRunCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "run due jobs in the foreground until stopped (for systemd, launchd, containers)",
		Description: "With --config (or the default config) it runs the config's jobs, or those named by --job.\n" +
			"Ad hoc, for one job without a config: --source DIR [--dest SPEC] (--every DUR | --cron EXPR) [--keep-last N]\n" +
			"with the password from --password-file, --password-stdin or $" + passwordEnv + ".\n" +
			"--once runs one pass of the due jobs and exits non-zero if any failed (what timers use).",
		Flags: append([]cli.Flag{
			configFlag(),
			&cli.StringSliceFlag{Name: "job", Usage: "run only job `NAME` (repeatable); names the job when ad hoc"},
			&cli.BoolFlag{Name: "once", Usage: "run the due jobs once and exit"},
			&cli.StringSliceFlag{Name: "now", Usage: "run job `NAME` now whatever its schedule, and exit (repeatable)"},
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "ad hoc: the wallet app's data `DIR`"},
			&cli.StringFlag{Name: "settings", Usage: "ad hoc: the app's settings JSON `FILE`"},
			&cli.StringSliceFlag{Name: "dest", Aliases: []string{"d"}, Usage: "ad hoc: destination `SPEC`, repeatable"},
		}, append(timingFlags(), passwordFlags()...)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(fmt.Errorf("run takes no arguments, got %q", c.Args().First()))
			}
			var (
				cfg *schedule.Config
				pw  func(schedule.Job) (string, error)
				err error
			)
			if c.IsSet("now") {
				return e.runJobsNow(c)
			}
			if c.IsSet("source") {
				cfg, pw, err = e.adhocSchedule(c)
			} else {
				cfg, pw, err = e.configSchedule(c)
			}
			if err != nil {
				return err
			}
			sched, err := e.scheduler(cfg, pw)
			if err != nil {
				return err
			}
			e.warnStaleProtonSession(c.Context, cfg, time.Now(), sched.Log)
			if c.Bool("once") {
				if err := e.sayNotDue(c, sched); err != nil {
					return err
				}
				if err := sched.RunDue(c.Context); err != nil && c.Context.Err() == nil {
					return err
				}
				return nil
			}
			// Fail fast on a missing secret rather than at 3 a.m.
			for _, j := range cfg.Jobs {
				if j.Watch != "" && !j.HasPasswordSource() {
					continue
				}
				if _, err := pw(j); err != nil {
					return err
				}
			}
			sched.Log.Info("scheduler started", "jobs", len(cfg.Jobs))
			return sched.Loop(c.Context)
		},
	}
}

// configSchedule loads the config's jobs (or the --job ones) for run.
func (e *env) configSchedule(c *cli.Context) (*schedule.Config, func(schedule.Job) (string, error), error) {
	for _, f := range []string{"settings", "dest", "every", "cron", "keep-last", "keep-daily", "keep-weekly", "keep-monthly", "password-file", "password-stdin"} {
		if c.IsSet(f) {
			return nil, nil, usageError(fmt.Errorf("--%s is for an ad hoc job: give --source too, or put it in the config file", f))
		}
	}
	path, cfg, err := e.loadScheduleConfig(c)
	if err != nil {
		return nil, nil, err
	}
	if names := c.StringSlice("job"); len(names) > 0 {
		var jobs []schedule.Job
		for _, n := range names {
			j, err := jobIn(cfg, path, n)
			if err != nil {
				return nil, nil, err
			}
			jobs = append(jobs, j)
		}
		cfg.Jobs = jobs
	}
	if len(cfg.Jobs) == 0 {
		return nil, nil, usageError(fmt.Errorf("no jobs in %s: add one with `cakebackup schedule add`, or run one ad hoc with --source", path))
	}
	src := schedule.PasswordSource{Getenv: e.getenv, Keyring: schedule.OSKeyring{}}
	return cfg, src.Password, nil
}

// adhocSchedule builds the one job given by flags; its password is read
// once, now, from the create command's password options.
func (e *env) adhocSchedule(c *cli.Context) (*schedule.Config, func(schedule.Job) (string, error), error) {
	name := adhocJob
	if names := c.StringSlice("job"); len(names) > 1 {
		return nil, nil, usageError(errors.New("an ad hoc run is one job: give --job once"))
	} else if len(names) == 1 {
		name = names[0]
	}
	job, err := jobFromFlags(c, name)
	if err != nil {
		return nil, nil, err
	}
	// The destination defaults as for create: the saved default, else
	// Downloads.
	_, cfg, err := e.loadScheduleConfig(c)
	if err != nil {
		return nil, nil, err
	}
	cfg.Jobs = nil
	if cfg.DefaultDest == "" {
		cfg.DefaultDest = defaultDest
	}
	pw, _, err := e.readPassword(c) // also refuses two sources at once
	if errors.Is(err, errNoPassword) {
		return nil, nil, usageError(fmt.Errorf("a scheduled run never asks for the password: use --password-file, --password-stdin or $%s", passwordEnv))
	}
	if err != nil {
		return nil, nil, err
	}
	password := func(schedule.Job) (string, error) { return pw, nil }
	if job.PasswordFile != "" {
		// Read afresh each run, and only from a private file.
		src := schedule.PasswordSource{Getenv: e.getenv}
		if _, err := src.Password(job); err != nil {
			return nil, nil, usageError(err)
		}
		password = src.Password
	} else {
		// Given once on start (stdin or environment): this marks the job
		// as having a password source for validation; it is not re-read.
		job.PasswordEnv = passwordEnv
	}
	if err := cfg.ValidateJob(job); err != nil {
		return nil, nil, usageError(err)
	}
	cfg.Jobs = []schedule.Job{job}
	return cfg, password, nil
}

// scheduler wires the schedule package to the backup pipeline: runs make
// a backup with makeBackup, pruning checks files with the format's
// integrity check, and one log line per run goes to stderr.
func (e *env) scheduler(cfg *schedule.Config, password func(schedule.Job) (string, error)) (*schedule.Scheduler, error) {
	paths, err := schedule.DefaultPaths(e.getenv)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	run := func(ctx context.Context, r schedule.Run) (schedule.Result, error) {
		if r.Job.Watch != "" {
			return e.shipInbox(ctx, cfg, r.Job, password, log)
		}
		pw, err := password(r.Job)
		if err != nil {
			return schedule.Result{}, err
		}
		made, err := job.Make(ctx, e.registry().Open, job.Backup{
			Source: r.Job.Source, Settings: r.Job.Settings, Dests: cfg.DestsFor(r.Job), Name: r.BackupName,
			Password: pw, AppVersion: appVersion(),
		})
		if made == nil {
			return schedule.Result{}, err
		}
		for _, s := range made.Skipped {
			fmt.Fprintf(e.stderr, "warning: job %s: %s\n", r.Job.Name, s)
		}
		var res schedule.Result
		verified := schedule.VerifiedStore{Path: paths.VerifiedPath()}
		for _, st := range made.Stores.Good() {
			res.Copies = append(res.Copies, schedule.Copy{Dest: st.Dest, Entry: st.Entry})
			// Read back as it was stored: retention need not read it again.
			if rerr := verified.RecordStored(st.Spec, r.Job.Name, st.Entry.Name, st.Entry.Size, st.SHA512, st.Identity, time.Now()); rerr != nil {
				log.Warn("cannot record the verified backup", "job", r.Job.Name, "err", rerr)
			}
		}
		return res, err
	}
	return &schedule.Scheduler{
		Jobs:    cfg.WithAlerts(cfg.Jobs),
		Desktop: e.desktop(),
		Fix:     fixFor,
		Run:     run,
		Prune:   e.pruneFunc(false),
		Clock:   schedule.SystemClock{},
		State:   schedule.StateStore{Path: paths.State},
		LockDir: paths.Locks,
		Log:     log,
	}, nil
}

// pruneFunc prunes a job's backups at one of its destinations and, when
// the job has a check_subset, checks that destination (not in a dry run).
func (e *env) pruneFunc(dryRun bool) schedule.PruneFunc {
	return func(ctx context.Context, j schedule.Job, newest schedule.Copy) (schedule.PrunePlan, error) {
		// A watch job prunes the copies it shipped as it ships them.
		checking := j.CheckSubset != "" && !dryRun
		if (j.Retention.Empty() && !checking) || j.Watch != "" {
			return schedule.PrunePlan{}, nil
		}
		dest, err := e.openDest(ctx, newest.Dest)
		if err != nil {
			return schedule.PrunePlan{}, err
		}
		defer dest.Close()
		var plan schedule.PrunePlan
		if !j.Retention.Empty() {
			paths, err := schedule.DefaultPaths(e.getenv)
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
			_, err = e.runCheck(ctx, dest, check.Options{Subset: check.Subset{N: n, T: t}, Rotate: true})
			return plan, err
		}
		return plan, nil
	}
}

func schedulePruneCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "prune",
		Usage:     "apply a job's retention to its backups now",
		ArgsUsage: "JOB",
		Flags: []cli.Flag{
			configFlag(),
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "show what would be deleted, delete nothing"},
		},
		Action: func(c *cli.Context) error {
			_, cfg, job, err := e.configJob(c)
			if err != nil {
				return err
			}
			name := job.Name
			if job.Retention.Empty() {
				fmt.Fprintf(e.stdout, "Job %s keeps all its backups (no keep_* rule).\n", name)
				return nil
			}
			if job.Watch != "" {
				fmt.Fprintf(e.stdout, "Job %s applies its keep_* rules to the exports it shipped each time it ships one.\n", name)
				return nil
			}
			paths, err := schedule.DefaultPaths(e.getenv)
			if err != nil {
				return err
			}
			// Do not prune under a scheduler that is writing this job's backup.
			lock, err := schedule.LockJob(paths.Locks, name)
			if err != nil {
				return err
			}
			defer lock.Release()
			dry := c.Bool("dry-run")
			verb := "deleted"
			if dry {
				verb = "would delete"
			}
			var errs []error
			for _, spec := range cfg.DestsFor(job) {
				plan, err := e.pruneFunc(dry)(c.Context, job, schedule.Copy{Dest: spec})
				for _, d := range plan.Keep {
					fmt.Fprintf(e.stdout, "keep          %s\n", d.Location)
				}
				for _, d := range plan.Remove {
					fmt.Fprintf(e.stdout, "%-13s %s\n", verb, d.Location)
				}
				for _, r := range plan.Rejected {
					fmt.Fprintf(e.stdout, "not a backup  %s (%s); left alone\n", r.Location, oneLine(r.Err.Error()))
				}
				errs = append(errs, err)
			}
			return errors.Join(errs...)
		},
	}
}

// runJobsNow is schedule run --now: the named jobs of the config, at
// once, whatever their schedule.
func (e *env) runJobsNow(c *cli.Context) error {
	for _, f := range []string{"source", "job"} {
		if c.IsSet(f) {
			return usageError(fmt.Errorf("--now runs the config's jobs it names, once: leave out --%s", f))
		}
	}
	cfg, pw, err := e.configSchedule(c)
	if err != nil {
		return err
	}
	names := c.StringSlice("now")
	path, err := e.configPath(c.String("config"))
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := jobIn(cfg, path, n); err != nil {
			return err
		}
	}
	sched, err := e.scheduler(cfg, pw)
	if err != nil {
		return err
	}
	if err := sched.RunNow(c.Context, names); err != nil && c.Context.Err() == nil {
		return err
	}
	return nil
}

// sayNotDue tells, one line each on stderr, which jobs a single pass
// leaves alone because they are not due, and when they are.
func (e *env) sayNotDue(c *cli.Context, sched *schedule.Scheduler) error {
	waiting, err := sched.NotDue()
	if err != nil {
		return err
	}
	config := ""
	if c.IsSet("config") {
		config = " --config " + c.String("config")
	}
	for _, w := range waiting {
		fmt.Fprintf(e.stderr, "job %s is not due until %s (to run it now: cakebackup schedule run%s --now %s)\n",
			w.Job, w.Next.Local().Format("2006-01-02 15:04"), config, w.Job)
	}
	return nil
}
