package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/internal/cliargs"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/schedule/runner"
	"github.com/cakebackup/cakebackup/secret"
)

func scheduleCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "schedule",
		Usage: "back up unattended on a schedule: jobs, a scheduler, timers, retention",
		Subcommands: e.inConfigs([]*cli.Command{
			scheduleAddCommand(e),
			scheduleListCommand(e),
			scheduleRemoveCommand(e),
			scheduleSetPasswordCommand(e),
			scheduleRunCommand(e),
			schedulePruneCommand(e),
			scheduleInstallCommand(e),
			scheduleUninstallCommand(e),
			scheduleStatusCommand(e),
		}),
	}
}

// inConfigs makes the fixes of the errors of cmds name the --config file
// each was given (env.configArg).
func (e *env) inConfigs(cmds []*cli.Command) []*cli.Command {
	for _, cmd := range cmds {
		if action := cmd.Action; action != nil {
			cmd.Action = func(c *cli.Context) error {
				e.configArg = givenConfigArg(c)
				return action(c)
			}
		}
	}
	return cmds
}

// timingFlags are a job's schedule and retention (keepFlags), which set j's.
func timingFlags(j *schedule.Job) []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "every", Usage: "run every `DURATION`, such as 24h or 90m", Destination: &j.Every},
		&cli.StringFlag{Name: "cron", Usage: "run at the times of a cron `EXPR`, such as \"30 2 * * *\" or @daily", Destination: &j.Cron},
	}, keepFlags(&j.Retention)...)
}

// keepFlags are the retention rules, which set r's.
func keepFlags(r *schedule.Retention) []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "keep-last", Usage: "keep the newest `N` backups", Destination: &r.KeepLast},
		&cli.IntFlag{Name: "keep-daily", Usage: "keep the newest backup of each of the last `N` days", Destination: &r.KeepDaily},
		&cli.IntFlag{Name: "keep-weekly", Usage: "keep the newest backup of each of the last `N` weeks", Destination: &r.KeepWeekly},
		&cli.IntFlag{Name: "keep-monthly", Usage: "keep the newest backup of each of the last `N` months", Destination: &r.KeepMonthly},
	}
}

// flagJob is the job the add / ad hoc run flags set in j, with --dest's
// destinations, named name, its paths made absolute.
func flagJob(c *cli.Context, j schedule.Job, name string) (schedule.Job, error) {
	j.Name = name
	j, err := j.WithDests(c.StringSlice("dest")).Absolute()
	if err != nil {
		return j, usageError(err)
	}
	return j, nil
}

func scheduleAddCommand(e *env) *cli.Command {
	var j schedule.Job // set by the flags
	return &cli.Command{
		Name:      "add",
		Usage:     "add a scheduled backup job to the config file",
		ArgsUsage: "JOB",
		Flags: append([]cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "the wallet app's data `DIR` (this or --watch is required)", Destination: &j.Source},
			&cli.StringFlag{Name: "watch", Usage: "instead of --source: ship the app's exports found in `DIR` (or \"downloads\": the Downloads folder)", Destination: &j.Watch},
			&cli.BoolFlag{Name: "remove-after-send", Usage: "with --watch: delete an export once every destination holds a verified copy", Destination: &j.RemoveAfterSend},
			&cli.StringFlag{Name: "settings", Usage: "the app's settings JSON `FILE`", Destination: &j.Settings},
			&cli.StringFlag{Name: "for-app", Usage: "the `APP` that will restore the job's backups: \"Cake Wallet\" (the default) or \"Monero.com\"", Destination: &j.ForApp},
			&cli.StringSliceFlag{Name: "dest", Aliases: []string{"d"}, Usage: "destination `SPEC`, repeatable (default: the config's default_dest)"},
			&cli.StringFlag{Name: "password-file", Usage: "read the password from `FILE` (mode 0600 or 0400)", Destination: &j.PasswordFile},
			&cli.BoolFlag{Name: "password-keyring", Usage: "read the password from the OS keyring (see schedule set-password)", Destination: &j.PasswordKeyring},
			&cli.StringFlag{Name: "password-env", Usage: "read the password from environment variable `VAR`", Destination: &j.PasswordEnv},
			allowEmptyFlag(),
		}, append(timingFlags(&j), alertFlags(&j.Alerts)...)...),
		Action: func(c *cli.Context) error {
			name, cfg, err := e.jobArgConfig(c)
			if err != nil {
				return err
			}
			job, err := flagJob(c, j, name)
			if err != nil {
				return err
			}
			warnings, err := e.checkNewJob(c, cfg, job)
			if err != nil {
				return err
			}
			if err := cfg.Save(cfg.File); err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintf(e.stderr, "warning: %s\n", errloc.OneLine(w.Error()))
			}
			arg := givenConfigArg(c) + " " + name
			return job.WriteAdded(e.stdout, cfg.File, "cakebackup schedule set-password"+arg, "cakebackup schedule install"+arg)
		},
	}
}

func scheduleListCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list the scheduled jobs",
		Flags: []cli.Flag{configFlag(), &cli.BoolFlag{Name: "json", Usage: "print the config as JSON"}},
		Action: func(c *cli.Context) error {
			cfg, err := e.loadGivenScheduleConfig(c)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, cfg)
			}
			if err := cfg.WriteJobs(e.stdout); err != nil || len(cfg.Jobs) > 0 {
				return err
			}
			_, err = fmt.Fprintln(e.stdout, "No scheduled jobs (add one with: cakebackup schedule add JOB ...)")
			return err
		},
	}
}

func scheduleRemoveCommand(e *env) *cli.Command {
	return e.jobCommand(&cli.Command{
		Name:  "remove",
		Usage: "remove a job from the config file, and the timer schedule install wrote for it (its backups stay)",
	}, func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error {
		removal, err := cfg.RemoveJob(runtime.GOOS, e.getenv, job, e.cronOnly())
		if errors.As(err, new(*schedule.NoTimersError)) {
			err = nil // timers unknown here: schedule install wrote none
		}
		if werr := removal.WriteText(e.stdout, "cakebackup schedule uninstall "+job.Name); err == nil {
			err = werr
		}
		return err
	})
}

func scheduleSetPasswordCommand(e *env) *cli.Command {
	return e.jobCommand(&cli.Command{
		Name:  "set-password",
		Usage: "store a job's backup password in the OS keyring",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "generate", Usage: "generate a strong password, store it and show it once"},
			&cli.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
		},
	}, func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error {
		pw, err := e.jobPasswords().SetPassword(c.Context, job.Name, func() (string, error) { return e.newJobPassword(c) })
		if err != nil {
			return err
		}
		if c.Bool("generate") {
			fmt.Fprint(e.stdout, backup.PasswordNotice(pw))
		}
		return job.WriteStoredInKeyring(e.stdout, cfg.File)
	})
}

// newJobPassword is a generated password, one from standard input, or one
// typed twice on the terminal.
func (e *env) newJobPassword(c *cli.Context) (string, error) {
	if c.Bool("generate") && c.Bool("password-stdin") {
		return "", usageError(errors.New("use --generate or --password-stdin, not both"))
	}
	var src secret.Sources
	if c.Bool("password-stdin") {
		src.Stdin = e.stdin
	}
	if c.Bool("generate") {
		src.Generate = backup.GeneratePassword
	}
	pw, from, err := src.ReadNew(c.Context, e.stdin, e.stderr, "New backup password: ", "Again: ")
	if errors.Is(err, secret.ErrNoTerminal) {
		return "", usageError(fmt.Errorf("%w: use --generate or --password-stdin", err))
	}
	if err == nil && from != secret.Generated {
		e.warnWeakPassword(pw)
	}
	return pw, passwordErr(err)
}

// jobPasswords reads the jobs' passwords from where each says: a file,
// the OS keyring or the environment.
func (e *env) jobPasswords() schedule.PasswordSource {
	return schedule.PasswordSource{Getenv: e.getenv, Keyring: cmp.Or[secret.Keyring](e.keyring, &secret.OSKeyring{})}
}

// jobPassword is job j's password (jobPasswords); its error says how to
// fix it with cakebackup, wherever it is shown or recorded.
func (e *env) jobPassword(ctx context.Context, j schedule.Job) (string, error) {
	pw, err := e.jobPasswords().Password(ctx, j)
	return pw, withFix(err, e.configArg)
}

// oneJobArg is the single JOB argument.
func oneJobArg(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", usageError(fmt.Errorf("%s takes one JOB name", cliargs.CommandPath(c)))
	}
	name := c.Args().First()
	if err := schedule.ValidateJobName(name); err != nil {
		return "", usageError(err)
	}
	return name, nil
}

// checkNewJob adds job to cfg if runner.CheckNewJob passes it, so a
// mistake shows when the job is added rather than at its first run; its
// failures are usage errors worded for the flags that fix them, its
// warnings for what may be fine later.
func (e *env) checkNewJob(c *cli.Context, cfg *schedule.Config, job schedule.Job) (warnings []error, err error) {
	if err = cfg.Add(job); err == nil {
		warnings, err = e.runner().CheckNewJob(c.Context, cfg, job, c.Bool("allow-empty"), e.jobPassword)
	}
	var (
		source   *runner.SourceError
		settings *runner.SettingsError
		unset    *runner.EnvUnsetError
	)
	switch {
	case errors.As(err, new(*schedule.JobExistsError)):
		err = fmt.Errorf("%w in %s (remove it first)", err, cfg.File)
	case errors.As(err, &source):
		return nil, usageError(fmt.Errorf("job %s: %w", job.Name, sourceErr(source.Err)))
	case errors.As(err, &settings):
		return nil, settingsErr(settings.Err)
	case errors.As(err, &unset):
		err = fmt.Errorf("%w: set it here and where the job will run, or use --password-file", err)
	}
	if err != nil {
		return nil, usageError(err)
	}
	return warnings, nil
}

func scheduleRunCommand(e *env) *cli.Command {
	var adHoc schedule.Job // set by the ad hoc flags
	return &cli.Command{
		Name:  "run",
		Usage: "run due jobs in the foreground until stopped (for systemd, launchd, containers)",
		Description: "With --config (or the default config) it runs the config's jobs, or those named by --job.\n" +
			"Ad hoc, for one job without a config: --source DIR [--dest SPEC] (--every DUR | --cron EXPR) [--keep-last N] [--for-app APP]\n" +
			"with the password from --password-file, --password-stdin or $" + passwordEnv + ".\n" +
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
			sched, err := e.scheduler(cfg, pw)
			if err != nil {
				return err
			}
			if c.IsSet("now") {
				// Unlike the scheduler under a service manager (run, run
				// --once), --now is run by a person, as create is: stopped,
				// it says so and exits 130 or 143 (run prints "interrupted"
				// from the context's cause).
				err := sched.RunNow(c.Context, c.StringSlice("now"))
				if c.Context.Err() != nil {
					return err
				}
				return runnerErr(err)
			}
			e.runner().WarnStaleProtonSession(c.Context, cfg, time.Now(), ": run `cakebackup proton login` to keep scheduled backups going")
			if c.Bool("once") {
				return runnerErr(runner.RunOnce(c.Context, sched, e.stderr, func(job string) string {
					return "cakebackup schedule run" + givenConfigArg(c) + " --now " + job
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
// password: the config's jobs (those --job names; --now's are checked),
// or the ad hoc one (adhocSchedule).
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
	cfg, err := e.loadScheduleConfig(c)
	if err != nil {
		return nil, nil, err
	}
	err = cfg.Select(c.StringSlice("job"))
	if errors.As(err, new(*schedule.NoJobsError)) {
		err = fmt.Errorf("%w: add one with `cakebackup schedule add`, or run one ad hoc with --source", err)
	}
	if _, nerr := cfg.Named(c.StringSlice("now")); err == nil && nerr != nil {
		err = fmt.Errorf("%s: %w", cfg.File, nerr)
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
	j.PasswordFile = c.String("password-file")
	job, err := flagJob(c, j, cmp.Or(names...)) // unnamed: AdHoc names it
	if err != nil {
		return nil, nil, err
	}
	// The destination defaults as for create: the saved default, else
	// Downloads.
	cfg, err := e.loadScheduleConfig(c)
	if err != nil {
		return nil, nil, err
	}
	pw, _, err := e.readPassword(c) // also refuses two sources at once
	if errors.Is(err, secret.ErrNoPassword) {
		return nil, nil, usageError(fmt.Errorf("a scheduled run never asks for the password: use --password-file, --password-stdin or $%s", passwordEnv))
	}
	if err != nil {
		return nil, nil, err
	}
	password, err := cfg.AdHoc(c.Context, job, schedule.AdHocPassword{Given: pw, GivenEnv: passwordEnv, File: e.jobPassword})
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

// scheduler is the runner's scheduler over cfg's jobs, with this
// environment's desktop notifications and the CLI's fixes.
func (e *env) scheduler(cfg *schedule.Config, password runner.PasswordFunc) (*schedule.Scheduler, error) {
	return e.runner().Scheduler(cfg, password, e.desktop(), fixFor)
}

// runnerErr gives the errors of the runner's work (scheduled runs, prune,
// check) their exit codes and hints: a backup that failed a check is exit
// 4. Several failed runs get no hint: each was logged with its own error,
// and one run's hint would mislead on the line that gives the first.
func runnerErr(err error) error {
	var runs *schedule.RunsError
	switch {
	case errors.Is(err, check.ErrFailed):
		return withCode(exitDamaged, err)
	case errors.As(err, &runs) && len(runs.Failed) > 1:
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
		pruning.WriteText(e.stdout) // a write that failed fails the run (countingWriter)
		return runnerErr(err)
	})
}

func scheduleInstallCommand(e *env) *cli.Command {
	return e.jobCommand(&cli.Command{
		Name:  "install",
		Usage: "start a job from the OS timer: systemd (Linux; without it, a crontab line to add), launchd (macOS), schtasks (Windows)",
	}, func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error {
		inst, err := schedule.InstallJobTimer(runtime.GOOS, e.getenv, e.executable, cfg.File, job, e.cronOnly())
		var other *schedule.OtherConfigTimerError
		switch {
		case errors.As(err, new(*schedule.TemporaryBuildError)):
			return usageError(fmt.Errorf("%w: install cakebackup with `go install ./cmd/cakebackup`, then run the installed cakebackup's schedule install", err))
		case errors.As(err, &other):
			return usageError(fmt.Errorf("%w: remove it first with `cakebackup schedule uninstall %s`, or give this job another name", err, other.Job))
		case err != nil:
			return err
		}
		for _, w := range inst.Warnings {
			e.warn("%s", w)
		}
		if err := inst.WriteText(e.stdout, "cakebackup schedule status"+givenConfigArg(c)); err != nil {
			return err
		}
		// Better to hear of a password it cannot read now than from
		// tomorrow's failed run ($VAR is the timer's, not this shell's).
		if err := runner.CheckPasswords(c.Context, []schedule.Job{job}, e.jobPassword); err != nil && job.PasswordEnv == "" {
			e.warn("%s", errloc.OneLine(err.Error()))
		}
		return nil
	})
}

func scheduleUninstallCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "uninstall",
		Usage:     "remove what schedule install wrote for a job",
		ArgsUsage: "JOB",
		Action: func(c *cli.Context) error {
			name, err := oneJobArg(c)
			if err != nil {
				return err
			}
			inst, err := schedule.Uninstall(runtime.GOOS, e.getenv, name)
			if err != nil {
				return err
			}
			inst.Cron = e.cronOnly()
			return inst.WriteUninstalled(e.stdout, name)
		},
	}
}

// cronOnly reports whether only cron can start jobs here.
func (e *env) cronOnly() bool { return schedule.CronOnly(runtime.GOOS, e.systemd) }

// givenConfigArg is " --config FILE", the --config file c was given made
// absolute and quoted for a shell, for the commands a command prints;
// "" when it was not given (or cannot be made absolute).
func givenConfigArg(c *cli.Context) string {
	abs, err := filepath.Abs(c.String("config"))
	if !c.IsSet("config") || err != nil {
		return ""
	}
	return " --config " + schedule.ShellQuote(abs)
}

func scheduleStatusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "last run, result and next run of each job, overdue and failing ones first; exits 1 if any",
		Flags: []cli.Flag{configFlag(), jsonFlag()},
		Action: func(c *cli.Context) error {
			cfg, err := e.loadGivenScheduleConfig(c)
			if err != nil {
				return err
			}
			paths, err := schedule.DefaultPaths(e.getenv)
			if err != nil {
				return err
			}
			now := time.Now()
			rows, err := schedule.LoadStatus(cfg, paths, e.log(), now)
			switch {
			case err != nil:
				return err
			case c.Bool("json"):
				err = writeJSON(e.stdout, schedule.Reports(rows, now))
			default:
				err = schedule.WriteStatus(e.stdout, rows, now)
			}
			if err != nil {
				return err
			}
			return schedule.Attention(rows) // exit 1 for a job to look at
		},
	}
}
