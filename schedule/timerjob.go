package schedule

import (
	"errors"
	"fmt"
	"path/filepath"
)

// OtherConfigTimerError is InstallTimer's refusal to replace the timer
// installed under a job's name that runs a job of that name from another
// config file: installing over it would silently stop that config's job.
type OtherConfigTimerError struct {
	File string // the timer's file
	Job  string
}

// Error names the timer's file and the job.
func (e *OtherConfigTimerError) Error() string {
	return fmt.Sprintf("the timer installed as %s runs a job %s from another config file; not replacing it", e.File, e.Job)
}

// TimerInstall is what InstallTimer did for a job.
type TimerInstall struct {
	Job Job
	// Installed holds the files written and how to enable the timer.
	Installed
	// Crontab, where only cron can start jobs, is the line that starts
	// the job; nothing was written then.
	Crontab string
	// Warnings say what may keep the timer's runs from reading the job's
	// password, and what to do.
	Warnings []string
}

// InstallTimer starts u's job from the OS timer of goos (see Install),
// unless the timer installed under the job's name runs a job of that name
// from another config file (an *OtherConfigTimerError). With cron set (a
// Linux without systemd, see SystemdTimers) it writes nothing and returns
// the crontab line that starts the job instead.
func InstallTimer(goos string, getenv func(string) string, u UnitTarget, cron bool) (TimerInstall, error) {
	t := TimerInstall{Job: u.Job}
	if cron {
		line, err := CrontabLine(u)
		if err != nil {
			return TimerInstall{}, err
		}
		t.Crontab = line
		if u.Job.PasswordKeyring {
			// The keyring is reached over a login session's D-Bus,
			// which cron's runs do not have.
			t.Warnings = []string{fmt.Sprintf("job %s reads its password from the OS keyring, which a run started by cron usually cannot reach (no login session, no D-Bus): %s", u.Job.Name, keyringFileFix(u.Config))}
		}
		return t, nil
	}
	// A timer that cannot be looked at: Install says what is wrong with
	// writing there.
	if state, file, err := FindTimer(goos, getenv, u.Config, u.Job); err == nil && state == TimerForOther {
		return TimerInstall{}, &OtherConfigTimerError{File: file, Job: u.Job.Name}
	}
	inst, err := Install(goos, getenv, u)
	if err != nil {
		return TimerInstall{}, err
	}
	t.Installed = inst
	if u.Job.PasswordKeyring && goos == "linux" {
		t.Warnings = []string{systemdKeyringWarning(u.Job.Name, u.Config)}
	}
	return t, nil
}

// InstallJobTimer is InstallTimer for job j of the config file config,
// the timer starting the running program as find gives it (see
// InstallableExecutable: a *TemporaryBuildError for a build that will be
// gone).
func InstallJobTimer(goos string, getenv func(string) string, find func() (string, error), config string, j Job, cron bool) (TimerInstall, error) {
	exe, err := InstallableExecutable(find, getenv)
	if err != nil {
		return TimerInstall{}, err
	}
	abs, err := filepath.Abs(config)
	if err != nil {
		return TimerInstall{}, err
	}
	return InstallTimer(goos, getenv, UnitTarget{Executable: exe, Config: abs, Job: j}, cron)
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
// InstallTimer's keyring warnings.
func keyringFileFix(config string) string {
	return "put the password in a file (mode 0600) and set password_file = \"FILE\" in place of password_keyring = true in " + config
}

// TimerRemoval is what RemoveJobTimer found and did for a job removed
// from a config file.
type TimerRemoval struct {
	Job string
	// State is what FindTimer found, File the file it looked at.
	State TimerState
	File  string
	// Cron: only cron can start jobs here (see SystemdTimers), so a
	// crontab line may start the job.
	Cron bool
	// Removed holds the files removed and how to stop what is still
	// loaded.
	Removed Installed
	// failed: RemoveJobTimer returned an error, and Removed holds what
	// it removed before.
	failed bool
}

// RemoveJobTimer, for a job removed from the config file at config,
// removes what Install wrote for job when that runs job from that file:
// left in place, the timer would start a job that is not there, and
// fail, every tick. A timer of a job of the same name from another config
// file is left. cron says only cron can start jobs here. The
// TimerRemoval holds what FindTimer found (the state and the file it
// looked at) and the files removed, also with an error; the error is a
// NoTimersError on an OS whose timers cakebackup does not know.
func RemoveJobTimer(goos string, getenv func(string) string, config string, job Job, cron bool) (TimerRemoval, error) {
	r := TimerRemoval{Job: job.Name, Cron: cron}
	absConfig, err := filepath.Abs(config)
	if err != nil {
		r.failed = true
		return r, err
	}
	r.State, r.File, err = FindTimer(goos, getenv, absConfig, job)
	if errors.As(err, new(*NoTimersError)) {
		r.failed = true
		return r, err
	}
	if err != nil {
		r.failed = true
		return r, fmt.Errorf("job %s was removed, but whether a timer for it is installed is unknown: %w", job.Name, err)
	}
	if r.State != TimerForJob {
		return r, nil
	}
	r.Removed, err = Uninstall(goos, getenv, job.Name)
	if err != nil {
		r.failed = true
		return r, fmt.Errorf("job %s was removed, but its timer was not: %w", job.Name, err)
	}
	return r, nil
}

// JobRemoval is what RemoveJob did.
type JobRemoval struct {
	Job string
	// Config is the config file the job was removed from; "" when it
	// could not be saved (the job is still there).
	Config string
	// Timer is what became of the job's timer.
	Timer TimerRemoval
}

// RemoveJob removes job from c and saves c to its File, then removes the
// timer Install wrote for it from that file (RemoveJobTimer, cron as
// there); on an OS without timers Install wrote none, which is no error.
// Once the file is saved the job is gone, whatever becomes of its timer:
// the JobRemoval says so also with an error.
func (c *Config) RemoveJob(goos string, getenv func(string) string, job Job, cron bool) (JobRemoval, error) {
	c.Remove(job.Name)
	if err := c.Save(c.File); err != nil {
		return JobRemoval{Job: job.Name}, err
	}
	timer, err := RemoveJobTimer(goos, getenv, c.File, job, cron)
	if errors.As(err, new(*NoTimersError)) {
		err = nil
	}
	return JobRemoval{Job: job.Name, Config: c.File, Timer: timer}, err
}
