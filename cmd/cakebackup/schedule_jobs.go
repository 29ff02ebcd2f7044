package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
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

// inConfigs makes cmds name the --config file each was given (absolute,
// shell-quoted: env.configArg) in the commands they print and their fixes.
func (e *env) inConfigs(cmds []*cli.Command) []*cli.Command {
	for _, cmd := range cmds {
		cmd.Before = func(c *cli.Context) error {
			if abs, err := filepath.Abs(c.String("config")); c.IsSet("config") && err == nil {
				e.configArg = " --config " + schedule.ShellQuote(abs)
			}
			return nil
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
			j.Name = name
			j = j.WithDests(c.StringSlice("dest"))
			e.holdPasswordEnvs(j)
			warnings, err := e.runner().CheckNewJob(c.Context, cfg, j, c.Bool("allow-empty"), e.jobPassword)
			if err != nil {
				return newJobErr(err, cfg.File)
			}
			if err := cfg.Save(cfg.File); err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintf(e.stderr, "warning: %s\n", errloc.OneLine(w.Error()))
			}
			arg := e.configArg + " " + name
			return j.WriteAdded(e.stdout, cfg.File, "cakebackup schedule set-password"+arg, "cakebackup schedule install"+arg)
		},
	}
}

func scheduleListCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list the scheduled jobs",
		Flags: []cli.Flag{configFlag(), &cli.BoolFlag{Name: "json", Usage: "print the config as JSON"}},
		Action: func(c *cli.Context) error {
			cfg, err := e.loadConfig(c, "schedule add", "")
			if err != nil {
				return err
			}
			return e.printResult(c, cfg, func(w io.Writer) error {
				return cfg.WriteJobs(w, "cakebackup schedule add JOB ...")
			})
		},
	}
}

func scheduleRemoveCommand(e *env) *cli.Command {
	return e.jobCommand(&cli.Command{
		Name:  "remove",
		Usage: "remove a job from the config file, and the timer schedule install wrote for it (its backups stay)",
	}, func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error {
		removal, err := cfg.RemoveJob(runtime.GOOS, e.getenv, job, e.cronOnly())
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
		pw, err := schedule.PasswordSource{Keyring: e.keyring}.SetPassword(c.Context, job.Name, func() (string, error) {
			return e.newJobPassword(c)
		})
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

// jobPassword is job j's password, from where it says (a file, the OS
// keyring or the environment); its error says how to fix it with
// cakebackup, wherever it is shown or recorded.
func (e *env) jobPassword(ctx context.Context, j schedule.Job) (string, error) {
	pw, err := schedule.PasswordSource{Getenv: e.getenv, Keyring: e.keyring}.Password(ctx, j)
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

// newJobErr words the refusals of a job to add (runner.CheckNewJob) as
// usage errors, with the flags or commands that fix them.
func newJobErr(err error, config string) error {
	source, isSource := errors.AsType[*runner.SourceError](err)
	settings, isSettings := errors.AsType[*runner.SettingsError](err)
	switch {
	case errors.As(err, new(*schedule.JobExistsError)):
		err = fmt.Errorf("%w in %s (remove it first)", err, config)
	case isSource:
		return usageError(fmt.Errorf("job %s: %w", source.Job, sourceErr(source.Err)))
	case isSettings:
		return settingsErr(settings.Err)
	case errors.As(err, new(*runner.EnvUnsetError)):
		err = fmt.Errorf("%w: set it here and where the job will run, or use --password-file", err)
	}
	return usageError(err)
}
