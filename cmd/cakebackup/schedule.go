package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/secret"
)

// adhocJob is the name of the one job `schedule run --source ...` runs
// when --job does not name it.
const adhocJob = "adhoc"

func scheduleCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "schedule",
		Usage: "back up unattended on a schedule: jobs, a scheduler, timers, retention",
		Subcommands: []*cli.Command{
			scheduleAddCommand(e),
			scheduleListCommand(e),
			scheduleRemoveCommand(e),
			scheduleSetPasswordCommand(e),
			scheduleRunCommand(e),
			schedulePruneCommand(e),
			scheduleInstallCommand(e),
			scheduleUninstallCommand(e),
			scheduleStatusCommand(e),
		},
	}
}

func configFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", Usage: "config `FILE` (default $XDG_CONFIG_HOME/cakebackup/config.toml)"}
}

func timingFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "every", Usage: "run every `DURATION`, such as 24h or 90m"},
		&cli.StringFlag{Name: "cron", Usage: "run at the times of a cron `EXPR`, such as \"30 2 * * *\" or @daily"},
	}, keepFlags()...)
}

// keepFlags are the retention rules.
func keepFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "keep-last", Usage: "keep the newest `N` backups"},
		&cli.IntFlag{Name: "keep-daily", Usage: "keep the newest backup of each of the last `N` days"},
		&cli.IntFlag{Name: "keep-weekly", Usage: "keep the newest backup of each of the last `N` weeks"},
		&cli.IntFlag{Name: "keep-monthly", Usage: "keep the newest backup of each of the last `N` months"},
	}
}

// jobFromFlags builds a job from the add / ad-hoc run flags.
func jobFromFlags(c *cli.Context, name string) (schedule.Job, error) {
	abs := func(flag string) (string, error) {
		v := c.String(flag)
		if v == "" {
			return "", nil
		}
		a, err := filepath.Abs(v)
		if err != nil {
			return "", usageError(fmt.Errorf("--%s: %w", flag, err))
		}
		return a, nil
	}
	j := schedule.Job{
		Name: name, Every: c.String("every"), Cron: c.String("cron"),
		Retention: retentionFromFlags(c), RemoveAfterSend: c.Bool("remove-after-send"),
	}
	var dests []string
	for _, d := range c.StringSlice("dest") {
		// A timer does not start in the user's working folder.
		if spec, err := destinations.ParseSpec(d); err == nil && spec.Scheme == "folder" && spec.Arg != "" && !filepath.IsAbs(spec.Arg) {
			a, err := filepath.Abs(spec.Arg)
			if err != nil {
				return j, usageError(fmt.Errorf("--dest: %w", err))
			}
			d = "folder:" + a
		}
		dests = append(dests, d)
	}
	if len(dests) == 1 {
		j.Dest = dests[0]
	} else {
		j.Dests = dests
	}
	var err error
	if j.Source, err = abs("source"); err != nil {
		return j, err
	}
	if j.Settings, err = abs("settings"); err != nil {
		return j, err
	}
	if j.PasswordFile, err = abs("password-file"); err != nil {
		return j, err
	}
	// "downloads" is found when the job runs, as Downloads may move.
	if j.Watch = c.String("watch"); j.Watch != schedule.WatchDownloads {
		if j.Watch, err = abs("watch"); err != nil {
			return j, err
		}
	}
	return j, nil
}

// retentionFromFlags is the --keep-* rules.
func retentionFromFlags(c *cli.Context) schedule.Retention {
	return schedule.Retention{
		KeepLast: c.Int("keep-last"), KeepDaily: c.Int("keep-daily"),
		KeepWeekly: c.Int("keep-weekly"), KeepMonthly: c.Int("keep-monthly"),
	}
}

func scheduleAddCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "add",
		Usage:     "add a scheduled backup job to the config file",
		ArgsUsage: "JOB",
		Flags: append([]cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "the wallet app's data `DIR` (this or --watch is required)"},
			&cli.StringFlag{Name: "watch", Usage: "instead of --source: ship the app's exports found in `DIR` (or \"downloads\": the Downloads folder)"},
			&cli.BoolFlag{Name: "remove-after-send", Usage: "with --watch: delete an export once every destination holds a verified copy"},
			&cli.StringFlag{Name: "settings", Usage: "the app's settings JSON `FILE`"},
			&cli.StringSliceFlag{Name: "dest", Aliases: []string{"d"}, Usage: "destination `SPEC`, repeatable (default: the config's default_dest)"},
			&cli.StringFlag{Name: "password-file", Usage: "read the password from `FILE` (mode 0600 or 0400)"},
			&cli.BoolFlag{Name: "password-keyring", Usage: "read the password from the OS keyring (see schedule set-password)"},
			&cli.StringFlag{Name: "password-env", Usage: "read the password from environment variable `VAR`"},
			allowEmptyFlag(),
		}, append(timingFlags(), alertFlags()...)...),
		Action: func(c *cli.Context) error {
			name, path, cfg, err := e.jobArgConfig(c)
			if err != nil {
				return err
			}
			if _, dup := cfg.Job(name); dup {
				return usageError(fmt.Errorf("job %q already exists in %s (remove it first)", name, path))
			}
			job, err := jobFromFlags(c, name)
			if err != nil {
				return err
			}
			job.PasswordKeyring, job.PasswordEnv = c.Bool("password-keyring"), c.String("password-env")
			job.Alerts = alertsFromFlags(c)
			if err := cfg.ValidateJob(job); err != nil {
				return usageError(fmt.Errorf("job %s: %w", name, err))
			}
			warnings, err := e.checkNewJob(c.Context, cfg, job, c.Bool("allow-empty"))
			if err != nil {
				return err
			}
			cfg.Jobs = append(cfg.Jobs, job)
			if err := cfg.Save(path); err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintf(e.stderr, "warning: %s\n", w)
			}
			fmt.Fprintf(e.stdout, "Added job %s to %s\n", name, path)
			if job.PasswordKeyring {
				fmt.Fprintf(e.stdout, "Store its password with: cakebackup schedule set-password %s\n", name)
			}
			fmt.Fprintf(e.stdout, "Start it from a timer with: cakebackup schedule install %s\n", name)
			return nil
		},
	}
}

func scheduleListCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list the scheduled jobs",
		Flags: []cli.Flag{configFlag(), &cli.BoolFlag{Name: "json", Usage: "print the config as JSON"}},
		Action: func(c *cli.Context) error {
			_, cfg, err := e.loadScheduleConfig(c)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, cfg)
			}
			if cfg.DefaultDest != "" {
				fmt.Fprintf(e.stdout, "Default destination: %s\n", cfg.DefaultDest)
			}
			if len(cfg.Jobs) == 0 {
				fmt.Fprintln(e.stdout, "No scheduled jobs (add one with: cakebackup schedule add JOB ...)")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB\tWHEN\tSOURCE\tDEST\tPASSWORD\tKEEP")
			for _, j := range cfg.Jobs {
				when := "every " + j.Every
				if j.Cron != "" {
					when = "cron " + j.Cron
				}
				source := j.Source
				if j.Watch != "" {
					source = "watch " + j.Watch
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, when, source, strings.Join(cfg.DestsFor(j), " "), passwordSourceOf(j), keepOf(j.Retention))
			}
			return tw.Flush()
		},
	}
}

// passwordSourceOf says where a job's password comes from, never what it is.
func passwordSourceOf(j schedule.Job) string {
	switch {
	case j.PasswordFile != "":
		return "file " + j.PasswordFile
	case j.PasswordKeyring:
		return "keyring"
	case j.PasswordEnv != "":
		return "env $" + j.PasswordEnv
	}
	return "none"
}

func keepOf(r schedule.Retention) string {
	if r.Empty() {
		return "all"
	}
	var parts []string
	for _, k := range []struct {
		n    int
		name string
	}{{r.KeepLast, "last"}, {r.KeepDaily, "daily"}, {r.KeepWeekly, "weekly"}, {r.KeepMonthly, "monthly"}} {
		if k.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k.name, k.n))
		}
	}
	return strings.Join(parts, ", ")
}

func scheduleRemoveCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "remove",
		Usage:     "remove a job from the config file (its backups stay)",
		ArgsUsage: "JOB",
		Flags:     []cli.Flag{configFlag()},
		Action: func(c *cli.Context) error {
			path, cfg, job, err := e.configJob(c)
			if err != nil {
				return err
			}
			name := job.Name
			kept := cfg.Jobs[:0]
			for _, j := range cfg.Jobs {
				if j.Name != name {
					kept = append(kept, j)
				}
			}
			cfg.Jobs = kept
			if err := cfg.Save(path); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Removed job %s from %s; its backups were not touched.\n", name, path)
			fmt.Fprintf(e.stdout, "If you installed a timer for it: cakebackup schedule uninstall %s\n", name)
			return nil
		},
	}
}

func scheduleSetPasswordCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "set-password",
		Usage:     "store a job's backup password in the OS keyring",
		ArgsUsage: "JOB",
		Flags: []cli.Flag{
			configFlag(),
			&cli.BoolFlag{Name: "generate", Usage: "generate a strong password, store it and show it once"},
			&cli.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
		},
		Action: func(c *cli.Context) error {
			path, _, job, err := e.configJob(c)
			if err != nil {
				return err
			}
			name := job.Name
			pw, err := e.newJobPassword(c)
			if err != nil {
				return err
			}
			src := schedule.PasswordSource{Getenv: e.getenv, Keyring: schedule.OSKeyring{}}
			if err := src.StorePassword(name, pw); err != nil {
				return err
			}
			if c.Bool("generate") {
				printPasswordNotice(e.stdout, pw)
			}
			fmt.Fprintf(e.stdout, "Stored the password of job %s in the OS keyring.\n", name)
			if !job.PasswordKeyring {
				fmt.Fprintf(e.stdout, "Note: job %s reads its password from %s; set password_keyring = true (and remove the other source) in %s to use this one.\n",
					name, passwordSourceOf(job), path)
			}
			return nil
		},
	}
}

// newJobPassword is a generated password, one from standard input, or one
// typed twice on the terminal.
func (e *env) newJobPassword(c *cli.Context) (string, error) {
	switch {
	case c.Bool("generate") && c.Bool("password-stdin"):
		return "", usageError(errors.New("use --generate or --password-stdin, not both"))
	case c.Bool("generate"):
		return backup.GeneratePassword()
	case c.Bool("password-stdin"):
		pw, err := secret.FirstLine(e.stdin)
		if err != nil {
			return "", usageError(fmt.Errorf("password from standard input: %w", err))
		}
		return pw, nil
	}
	f, _ := e.stdin.(*os.File)
	if !secret.IsTerminal(f) {
		return "", usageError(errors.New("no terminal to type the password on: use --generate or --password-stdin"))
	}
	var typed [2]string
	for i, prompt := range []string{"New backup password: ", "Again: "} {
		var err error
		if typed[i], err = secret.Prompt(f, e.stderr, prompt); err != nil {
			return "", err
		}
	}
	if typed[0] != typed[1] {
		return "", usageError(errors.New("the two passwords differ"))
	}
	if typed[0] == "" {
		return "", usageError(errors.New("empty password"))
	}
	if w := backup.PasswordStrengthWarning(typed[0]); w != "" {
		e.warn("%s", w)
	}
	return typed[0], nil
}

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

func scheduleInstallCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "install",
		Usage:     "start a job from the OS timer: systemd (Linux), launchd (macOS), schtasks (Windows)",
		ArgsUsage: "JOB",
		Flags:     []cli.Flag{configFlag()},
		Action: func(c *cli.Context) error {
			path, _, job, err := e.configJob(c)
			if err != nil {
				return err
			}
			exe, err := e.installableExecutable()
			if err != nil {
				return err
			}
			absConfig, err := filepath.Abs(path)
			if err != nil {
				return err
			}
			inst, err := schedule.Install(runtime.GOOS, e.getenv, schedule.UnitTarget{Executable: exe, Config: absConfig, Job: job})
			if err != nil {
				return err
			}
			for _, f := range inst.Files {
				fmt.Fprintf(e.stdout, "Wrote %s\n", f)
			}
			fmt.Fprintf(e.stdout, "To enable it, run:\n  %s\n", strings.ReplaceAll(inst.Next, "\n", "\n  "))
			if job.PasswordEnv != "" {
				fmt.Fprintf(e.stdout, "Note: the timer must see $%s; a password_file (mode 0600) or the keyring is simpler.\n", job.PasswordEnv)
			} else if job.Watch != "" && !job.HasPasswordSource() {
				// Exports are checked without a password.
			} else if _, err := (schedule.PasswordSource{Getenv: e.getenv, Keyring: schedule.OSKeyring{}}).Password(job); err != nil {
				// Better to hear it now than from tomorrow's failed run.
				e.warn("%s", oneLine(err.Error()))
			}
			return nil
		},
	}
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
			if len(inst.Files) == 0 && runtime.GOOS != "windows" {
				fmt.Fprintf(e.stdout, "Nothing installed for job %s.\n", name)
			}
			for _, f := range inst.Files {
				fmt.Fprintf(e.stdout, "Removed %s\n", f)
			}
			fmt.Fprintf(e.stdout, "To stop what is still loaded, run:\n  %s\n", inst.Next)
			return nil
		},
	}
}

// statusJSON is one job in `schedule status --json`.
type statusJSON struct {
	Job        string     `json:"job"`
	LastStart  *time.Time `json:"last_start,omitempty"`
	Result     string     `json:"result,omitempty"`
	Error      string     `json:"error,omitempty"`
	LastBackup string     `json:"last_backup,omitempty"`
	Next       time.Time  `json:"next_run"`
	Failing    bool       `json:"failing"`
	Overdue    bool       `json:"overdue"`
	// LastSuccess is when the last verified backup was made; WarnAfter
	// how old it may grow (seconds) before the job is overdue.
	LastSuccess *time.Time `json:"last_success,omitempty"`
	WarnAfter   float64    `json:"warn_after_seconds"`
	// FailedBackups are the job's stored backups that failed a check.
	FailedBackups []schedule.FailedBackup `json:"failed_backups,omitempty"`
}

func scheduleStatusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "last run, result and next run of each job, overdue and failing ones first; exits 1 if any",
		Flags: []cli.Flag{configFlag(), &cli.BoolFlag{Name: "json", Usage: "print one JSON object"}},
		Action: func(c *cli.Context) error {
			_, cfg, err := e.loadScheduleConfig(c)
			if err != nil {
				return err
			}
			paths, err := schedule.DefaultPaths(e.getenv)
			if err != nil {
				return err
			}
			st, err := schedule.StateStore{Path: paths.State}.Load()
			if err != nil {
				return err
			}
			now := time.Now()
			rows, err := schedule.StatusAt(cfg, st, now)
			if err != nil {
				return err
			}
			// Backups that failed a check (retention or check_subset).
			vf, err := schedule.VerifiedStore{Path: paths.VerifiedPath()}.Load()
			if err != nil {
				return err
			}
			if c.Bool("json") {
				out := make([]statusJSON, 0, len(rows))
				for _, r := range rows {
					s := statusJSON{Job: r.Job, Result: r.Last.LastResult, Error: r.Last.LastError, LastBackup: r.Last.LastBackup, Next: r.Next, Failing: r.Failing}
					if !r.Last.LastStart.IsZero() {
						s.LastStart = &r.Last.LastStart
					}
					if !r.Last.LastSuccess.IsZero() {
						s.LastSuccess = &r.Last.LastSuccess
					}
					s.Overdue, s.WarnAfter = r.Overdue, r.WarnAfter.Seconds()
					if s.Next.IsZero() {
						s.Next = now
					}
					s.FailedBackups = vf.FailedFor(r.Job, time.Local)
					out = append(out, s)
				}
				if err := writeJSON(e.stdout, map[string][]statusJSON{"jobs": out}); err != nil {
					return err
				}
				return statusError(rows, vf)
			}
			if len(rows) == 0 {
				fmt.Fprintln(e.stdout, "No scheduled jobs.")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB\tLAST RUN\tRESULT\tNEXT RUN\tDETAIL")
			for _, r := range rows {
				last, result, detail := "never", "-", ""
				if !r.Last.LastStart.IsZero() {
					last = r.Last.LastStart.Local().Format("2006-01-02 15:04")
					result = r.Last.LastResult
				}
				switch {
				case r.Overdue:
					result = "OVERDUE"
					detail = overdueDetail(cfg, r)
				case r.Failing:
					result = strings.ToUpper(result)
					detail = r.Last.LastError
					if !r.Last.LastSuccess.IsZero() {
						detail += fmt.Sprintf(" (last success %s)", r.Last.LastSuccess.Local().Format("2006-01-02 15:04"))
					}
					if r.Last.LastFix != "" {
						detail += "; to fix: " + r.Last.LastFix
					}
				case r.Last.LastResult == schedule.ResultOK:
					detail = fmt.Sprintf("%s (%s)", r.Last.LastBackup, bytesize.Format(r.Last.LastSize))
				}
				next := "now"
				if !r.Next.IsZero() && r.Next.After(now) {
					next = r.Next.Local().Format("2006-01-02 15:04")
				} else if !r.Next.IsZero() && now.Sub(r.Next) > time.Hour {
					next = "overdue since " + r.Next.Local().Format("2006-01-02 15:04")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Job, last, result, next, detail)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, r := range rows {
				for _, f := range vf.FailedFor(r.Job, time.Local) {
					fmt.Fprintf(e.stdout, "DAMAGED backup of job %s at %s: %s (%s, checked %s); retention keeps it but never counts it as good\n",
						r.Job, f.Dest, f.Name, oneLine(f.Error), f.At.Local().Format("2006-01-02 15:04"))
				}
			}
			return statusError(rows, vf)
		},
	}
}

// statusError is status's error: the jobs that need attention and the
// backups that failed a check.
func statusError(rows []schedule.JobStatus, vf *schedule.VerifiedFile) error {
	var damaged int
	for _, r := range rows {
		damaged += len(vf.FailedFor(r.Job, time.Local))
	}
	err := attentionError(rows)
	if damaged == 0 {
		return err
	}
	msg := fmt.Sprintf("%d stored backups failed a check", damaged)
	if err != nil {
		msg = err.Error() + "; " + msg
	}
	return errors.New(msg)
}

// loadScheduleConfig loads the --config file or the default one.
func (e *env) loadScheduleConfig(c *cli.Context) (string, *schedule.Config, error) {
	path, err := e.configPath(c.String("config"))
	if err != nil {
		return "", nil, err
	}
	cfg, err := schedule.LoadConfig(path)
	if err != nil {
		return "", nil, usageError(err)
	}
	return path, cfg, nil
}

// jobArgConfig is the single JOB argument and the --config file (or the
// default one) it is looked up in.
func (e *env) jobArgConfig(c *cli.Context) (name, path string, cfg *schedule.Config, err error) {
	if name, err = oneJobArg(c); err != nil {
		return "", "", nil, err
	}
	if path, cfg, err = e.loadScheduleConfig(c); err != nil {
		return "", "", nil, err
	}
	return name, path, cfg, nil
}

// configJob is the job the single JOB argument names, with the config
// file it is in.
func (e *env) configJob(c *cli.Context) (path string, cfg *schedule.Config, job schedule.Job, err error) {
	name, path, cfg, err := e.jobArgConfig(c)
	if err != nil {
		return "", nil, schedule.Job{}, err
	}
	if job, err = jobIn(cfg, path, name); err != nil {
		return "", nil, schedule.Job{}, err
	}
	return path, cfg, job, nil
}

// jobIn is the job called name in cfg, loaded from path.
func jobIn(cfg *schedule.Config, path, name string) (schedule.Job, error) {
	j, ok := cfg.Job(name)
	if !ok {
		return schedule.Job{}, usageError(fmt.Errorf("no job %q in %s", name, path))
	}
	return j, nil
}

// oneJobArg is the single JOB argument.
func oneJobArg(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", usageError(fmt.Errorf("%s takes one JOB name", c.Command.Name))
	}
	name := c.Args().First()
	if err := schedule.ValidateJobName(name); err != nil {
		return "", usageError(err)
	}
	return name, nil
}
