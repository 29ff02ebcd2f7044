package main

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/schedule/runner"
)

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
			e.notes.Warn("%s", w)
		}
		if err := inst.WriteText(e.stdout, "cakebackup schedule status"+e.configArg); err != nil {
			return err
		}
		// Better to hear of a password it cannot read now than from
		// tomorrow's failed run ($VAR is the timer's, not this shell's).
		if err := runner.CheckPasswords(c.Context, []schedule.Job{job}, e.jobPassword); err != nil && job.PasswordEnv == "" {
			e.notes.Warn("%s", errloc.OneLine(err.Error()))
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
