package schedule

import (
	"errors"
	"fmt"
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

// InstallTimer starts u's job from the OS timer of goos (see Install),
// unless the timer installed under the job's name runs a job of that name
// from another config file (an *OtherConfigTimerError). With cron set (a
// Linux without systemd, see SystemdTimers) it writes nothing and returns
// the crontab line that starts the job instead.
func InstallTimer(goos string, getenv func(string) string, u UnitTarget, cron bool) (inst Installed, crontab string, err error) {
	if cron {
		crontab, err = CrontabLine(u)
		return Installed{}, crontab, err
	}
	// A timer that cannot be looked at: Install says what is wrong with
	// writing there.
	if state, file, err := FindTimer(goos, getenv, u.Config, u.Job); err == nil && state == TimerForOther {
		return Installed{}, "", &OtherConfigTimerError{File: file, Job: u.Job.Name}
	}
	inst, err = Install(goos, getenv, u)
	return inst, "", err
}

// RemoveJobTimer, for a job removed from the config file at absConfig,
// removes what Install wrote for job when that runs job from that file:
// left in place, the timer would start a job that is not there, and
// fail, every tick. A timer of a job of the same name from another config
// file is left. It returns what FindTimer found (the state and the file
// it looked at) and the files it removed; it is NoTimersError's on an OS
// whose timers cakebackup does not know.
func RemoveJobTimer(goos string, getenv func(string) string, absConfig string, job Job) (TimerState, string, Installed, error) {
	state, file, err := FindTimer(goos, getenv, absConfig, job)
	if errors.As(err, new(*NoTimersError)) {
		return state, file, Installed{}, err
	}
	if err != nil {
		return state, file, Installed{}, fmt.Errorf("job %s was removed, but whether a timer for it is installed is unknown: %w", job.Name, err)
	}
	if state != TimerForJob {
		return state, file, Installed{}, nil
	}
	inst, err := Uninstall(goos, getenv, job.Name)
	if err != nil {
		return state, file, inst, fmt.Errorf("job %s was removed, but its timer was not: %w", job.Name, err)
	}
	return state, file, inst, nil
}
