package main

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/schedule/runner"
)

func scheduleRunCommand(e *env) *cli.Command {
	var adHoc schedule.Job // set by the ad hoc flags
	return &cli.Command{
		Name:  "run",
		Usage: "run due jobs in the foreground until stopped (for systemd, launchd, containers)",
		Description: "With --config (or the default config) it runs the config's jobs, or those named by --job.\n" +
			"Ad hoc, for one job without a config: --source DIR [--dest SPEC] (--every DUR | --cron EXPR) [--keep-last N] [--for-app APP]\n" +
			"with the password from " + passwordWays + ".\n" +
			"--once runs one pass of the due jobs and exits non-zero if any failed (what timers use).",
		Flags: append([]cli.Flag{
			configFlag(),
			&cli.StringSliceFlag{Name: "job", Usage: "run only job `NAME` (repeatable); names the job when ad hoc (default: adhoc- and a hash of the source folder)"},
			&cli.BoolFlag{Name: "once", Usage: "run the due jobs once and exit"},
			&cli.StringSliceFlag{Name: "now", Usage: "run job `NAME` now whatever its schedule, and exit (repeatable)"},
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "ad hoc: the wallet app's data `DIR`", Destination: &adHoc.Source},
		}, adHocFlags(&adHoc)...),
		Action: func(c *cli.Context) error {
			cfg, pw, err := e.runSchedule(c, adHoc)
			if err != nil {
				return err
			}
			sched, err := e.runner().Scheduler(cfg, pw, e.desktop(), fixFor) // fixFor: the CLI's fixes in notifications
			if err != nil {
				return err
			}
			if c.IsSet("now") {
				// Run by a person, as create is, not by a service manager:
				// stopped, it says so and exits 130 or 143 (see run).
				return runnerErr(sched.RunNow(c.Context, c.StringSlice("now")))
			}
			e.runner().WarnStaleProtonSession(c.Context, cfg, time.Now(), ": run `cakebackup proton login` to keep scheduled backups going")
			if c.Bool("once") {
				return runnerErr(runner.RunOnce(c.Context, sched, e.stderr, func(job string) string {
					return "cakebackup schedule run" + e.configArg + " --now " + job
				}))
			}
			return runner.Serve(c.Context, sched, pw)
		},
	}
}

// adHocFlags are run's flags of an ad hoc job besides --source, which set
// j's (its password file is read with the password options).
func adHocFlags(j *schedule.Job) []cli.Flag {
	return append(append([]cli.Flag{
		&cli.StringFlag{Name: "settings", Usage: "ad hoc: the app's settings JSON `FILE`", Destination: &j.Settings},
		&cli.StringFlag{Name: "for-app", Usage: "ad hoc: the `APP` that will restore the job's backups: \"Cake Wallet\" (the default) or \"Monero.com\"", Destination: &j.ForApp},
		&cli.StringSliceFlag{Name: "dest", Aliases: []string{"d"}, Usage: "ad hoc: destination `SPEC`, repeatable"},
	}, timingFlags(j)...), passwordFlags()...)
}

// runSchedule is the config run works on and how it reads each job's
// password: the config's jobs (those --job names) or the ad hoc one.
func (e *env) runSchedule(c *cli.Context, j schedule.Job) (*schedule.Config, runner.PasswordFunc, error) {
	if c.IsSet("source") && !c.IsSet("now") {
		return e.adhocSchedule(c, j)
	}
	for _, f := range []string{"source", "job"} {
		if c.IsSet("now") && c.IsSet(f) {
			return nil, nil, usageError(fmt.Errorf("--now runs the config's jobs it names, once: leave out --%s", f))
		}
	}
	for _, f := range adHocFlags(new(schedule.Job)) { // for their names
		if name := f.Names()[0]; c.IsSet(name) {
			return nil, nil, usageError(fmt.Errorf("--%s is for an ad hoc job: give --source too, or put it in the config file", name))
		}
	}
	cfg, err := e.loadConfig(c, "", "")
	if err != nil {
		return nil, nil, err
	}
	err = cfg.Select(c.StringSlice("job"), c.StringSlice("now")...)
	if errors.As(err, new(*schedule.NoJobsError)) {
		err = fmt.Errorf("%w: add one with `cakebackup schedule add`, or run one ad hoc with --source", err)
	}
	if err != nil {
		return nil, nil, usageError(err)
	}
	return cfg, e.jobPassword, nil
}

// adhocSchedule builds the one job the flags set in j; its password is
// read once, now, from the create command's password options.
func (e *env) adhocSchedule(c *cli.Context, j schedule.Job) (*schedule.Config, runner.PasswordFunc, error) {
	names := c.StringSlice("job")
	if len(names) > 1 {
		return nil, nil, usageError(errors.New("an ad hoc run is one job: give --job once"))
	}
	j.Name = cmp.Or(names...) // unnamed: AdHoc names it
	j.PasswordFile = c.String("password-file")
	j = j.WithDests(c.StringSlice("dest"))
	// The destination defaults as for create: the saved one, else Downloads.
	cfg, err := e.loadConfig(c, "", "")
	if err != nil {
		return nil, nil, err
	}
	pw, err := e.optionalPassword(c) // also refuses two sources at once
	if err != nil {
		return nil, nil, err
	}
	if pw == "" {
		return nil, nil, usageError(errors.New("a scheduled run never asks for the password: use " + passwordWays))
	}
	password, err := cfg.AdHoc(c.Context, j, schedule.AdHocPassword{Given: pw, GivenEnv: passwordEnv, File: e.jobPassword})
	if err != nil {
		return nil, nil, usageError(err)
	}
	return cfg, password, nil
}

// runner is the scheduled work's library: backups, watch jobs, pruning,
// checks; its log and warnings go to stderr.
func (e *env) runner() runner.Runner {
	return runner.Runner{
		Getenv: e.getenv, Registry: e.registry(), AppVersion: appVersion(),
		Log: e.log(), Warnings: e.stderr, Keyring: e.keyring,
	}
}

// log is the logger of long runs (schedule run, watch): text lines on stderr.
func (e *env) log() *slog.Logger { return slog.New(slog.NewTextHandler(e.stderr, nil)) }

// runnerErr gives the errors of the runner's work (runs, prune, check)
// their exit codes and hints; several failed runs get no hint, as one
// run's would mislead on the line that gives the first (each was logged).
func runnerErr(err error) error {
	runs, isRuns := errors.AsType[*schedule.RunsError](err)
	switch {
	case errors.Is(err, check.ErrFailed):
		return withCode(exitDamaged, err)
	case isRuns && len(runs.Failed) > 1:
		return err
	case errors.As(err, new(*runner.ShipError)):
		return inboxErr(err)
	}
	return err
}

func schedulePruneCommand(e *env) *cli.Command {
	return e.jobCommand(&cli.Command{
		Name:  "prune",
		Usage: "apply a job's retention to its backups now",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "show what would be deleted, delete nothing"},
		},
	}, func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error {
		pruning, err := e.runner().PruneNow(c.Context, cfg, job, c.Bool("dry-run"))
		pruning.WriteText(e.stdout) // a write that failed fails the run (see run)
		return runnerErr(err)
	})
}
