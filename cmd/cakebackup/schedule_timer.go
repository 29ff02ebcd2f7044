package main

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/schedule/runner"
)

func scheduleInstallCommand(e *env) *cli.Command {
	return e.jobCommand(&cli.Command{
		Name:  "install",
		Usage: "start a job from the OS timer: systemd (Linux), launchd (macOS), schtasks (Windows)",
	}, func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error {
		exe, err := e.installableExecutable()
		if err != nil {
			return err
		}
		absConfig, err := filepath.Abs(cfg.File)
		if err != nil {
			return err
		}
		target := schedule.UnitTarget{Executable: exe, Config: absConfig, Job: job}
		inst, line, err := schedule.InstallTimer(runtime.GOOS, e.getenv, target, e.cronOnly())
		if other := (*schedule.OtherConfigTimerError)(nil); errors.As(err, &other) {
			return usageError(fmt.Errorf("%w: remove it first with `cakebackup schedule uninstall %s`, or give this job another name", err, other.Job))
		}
		if err != nil {
			return err
		}
		if line != "" {
			fmt.Fprintf(e.stdout, "systemd does not run here, so no timer was written. To start the job from cron, add this line to your crontab (crontab -e):\n  %s\n", line)
			if job.PasswordKeyring {
				// The keyring is reached over a login session's
				// D-Bus, which cron's runs do not have.
				e.warn("job %s reads its password from the OS keyring, which a run started by cron usually cannot reach (no login session, no D-Bus): %s", job.Name, keyringFileFix(absConfig))
			}
		} else {
			for _, f := range inst.Files {
				fmt.Fprintf(e.stdout, "Wrote %s\n", f)
			}
			fmt.Fprintf(e.stdout, "To enable it, run:\n  %s\n", strings.ReplaceAll(inst.Next, "\n", "\n  "))
			if job.PasswordKeyring && runtime.GOOS == "linux" {
				e.warn("%s", systemdKeyringWarning(job.Name, absConfig))
			}
		}
		fmt.Fprintf(e.stdout, "Its runs show in: cakebackup schedule status%s\n", givenConfigArg(c))
		if job.PasswordEnv != "" {
			fmt.Fprintf(e.stdout, "Note: the timer must see $%s; a password_file (mode 0600) or the keyring is simpler.\n", job.PasswordEnv)
		} else if err := runner.CheckPasswords(c.Context, []schedule.Job{job}, e.jobPassword); err != nil {
			// Better to hear it now than from tomorrow's failed run.
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

// systemdKeyringWarning is what schedule install says of a job that reads
// its password from the OS keyring when a systemd user timer starts it.
// Its runs happen in the user's systemd instance (user@.service): without
// lingering that instance runs only while the user is logged in; with it
// (loginctl enable-linger) it is "spawned for the user at boot and kept
// around after logouts" (loginctl(1)), so runs happen while nobody is
// logged in. The keyring is the Secret Service (go-keyring v0.2.8's
// secret_service, over the session bus: $DBUS_SESSION_BUS_ADDRESS or
// /run/user/UID/bus), whose "login" collection go-keyring unlocks before
// each read; the login keyring is unlocked with the password typed at
// login (pam_gnome_keyring(8): "attempt to unlock login keyring"; the
// GNOME wiki's Projects/GnomeKeyring/Pam: "usually installed by default
// by a distro"), so a run after a boot, before any login, finds it
// locked, or no keyring daemon running. Whether a run after a logout
// still reads it depends on whether the daemon outlived the session,
// which cakebackup cannot know: hence "may". Other Secret Service
// keyrings were not checked: hence "usually".
func systemdKeyringWarning(job, config string) string {
	return fmt.Sprintf("job %s reads its password from the OS keyring, which is usually unlocked when you log in: a run of its systemd timer while you are not logged in (possible with loginctl enable-linger) may not be able to read it; %s", job, keyringFileFix(config))
}

// keyringFileFix is how a job whose timer cannot read the keyring gets
// its password instead, from the config file config: the fix of both of
// schedule install's keyring warnings.
func keyringFileFix(config string) string {
	return "put the password in a file (mode 0600) and set password_file = \"FILE\" in place of password_keyring = true in " + config
}

// cronOnly reports whether only cron can start jobs here: Linux without
// systemd's user timers.
func (e *env) cronOnly() bool {
	switch {
	case runtime.GOOS != "linux":
		return false
	case e.systemd != nil:
		return !e.systemd()
	}
	return !schedule.SystemdTimers(schedule.SystemdRunDir, exec.LookPath)
}

// givenConfigArg is " --config FILE", the --config file c was given made
// absolute and quoted for a shell, for the commands a command prints;
// "" when it was not given (or cannot be made absolute).
func givenConfigArg(c *cli.Context) string {
	if !c.IsSet("config") {
		return ""
	}
	abs, err := filepath.Abs(c.String("config"))
	if err != nil {
		return ""
	}
	return " --config " + schedule.ShellQuote(abs)
}

// installableExecutable is this program's path for a timer; a temporary
// build is a usage error that says how to install cakebackup.
func (e *env) installableExecutable() (string, error) {
	exe, err := schedule.InstallableExecutable(e.executable, e.getenv)
	if tmp := (*schedule.TemporaryBuildError)(nil); errors.As(err, &tmp) {
		return "", usageError(fmt.Errorf("%w: install cakebackup with `go install ./cmd/cakebackup`, then run the installed cakebackup's schedule install", err))
	}
	return exe, err
}

// removeJobTimer, for schedule remove, removes what schedule install wrote
// for job when it runs job from the config file at path, which no longer
// holds it (schedule.RemoveJobTimer), and says what it did; where
// cakebackup cannot see the timer (Windows' schtasks, cron), it says what
// to run.
func (e *env) removeJobTimer(path string, job schedule.Job) error {
	absConfig, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	state, file, inst, err := schedule.RemoveJobTimer(runtime.GOOS, e.getenv, absConfig, job)
	switch {
	case errors.As(err, new(*schedule.NoTimersError)):
		return nil
	case err == nil && state == schedule.TimerUnseen:
		fmt.Fprintf(e.stdout, "If you created a scheduled task for it, delete it: schtasks /Delete /F /TN \"cakebackup %s\"\n", job.Name)
	case err == nil && state == schedule.NoTimer && e.cronOnly():
		fmt.Fprintf(e.stdout, "If you added a crontab line for it (schedule install's), remove it: crontab -e\n")
	case err == nil && state == schedule.NoTimer:
		fmt.Fprintf(e.stdout, "No timer was installed for it.\n")
	case err == nil && state == schedule.TimerForOther:
		fmt.Fprintf(e.stdout, "The timer installed as %s runs a job %s from another config file; it was left in place (cakebackup schedule uninstall %s removes it).\n", file, job.Name, job.Name)
	}
	for _, f := range inst.Files {
		fmt.Fprintf(e.stdout, "Removed %s\n", f)
	}
	if err != nil || state != schedule.TimerForJob {
		return err
	}
	fmt.Fprintf(e.stdout, "Its timer is uninstalled. To stop what is still loaded, run:\n  %s\n", inst.Next)
	return nil
}
