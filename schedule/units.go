package schedule

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/internal/winpath"
)

// UnitTarget is where and how a job is started by the OS: the absolute
// path of the cakebackup executable, the absolute config path, and the job.
type UnitTarget struct {
	Executable string
	Config     string
	Job        Job
}

// args are the command line the OS timer runs: one due pass of one job,
// exiting non-zero when the run fails.
func (u UnitTarget) args() []string {
	return []string{u.Executable, "schedule", "run", "--config", u.Config, "--job", u.Job.Name, "--once"}
}

// check refuses a target the OS timer could not start: relative paths
// (by the rules of the timer's system, isAbs) or a bad job name.
func (u UnitTarget) check(isAbs func(string) bool) error {
	if !isAbs(u.Executable) || !isAbs(u.Config) {
		return errors.New("the executable and config paths must be absolute")
	}
	return ValidateJobName(u.Job.Name)
}

// unixAbs is filepath.IsAbs on Unix, for the units of Unix service
// managers wherever they are made.
func unixAbs(p string) bool { return strings.HasPrefix(p, "/") }

// maxTick is how often an OS timer wakes a long-interval job to see
// whether it is due; cronTick is the same for cron jobs, which can fall
// on any minute.
const (
	maxTick  = 15 * time.Minute
	cronTick = 5 * time.Minute
)

// timerTick is how often the OS timer starts `schedule run --once` for
// job; each start runs the job only if it is due (see NextRun), so a job
// starts at most one tick late.
func timerTick(job Job) time.Duration {
	if job.Cron != "" {
		return cronTick
	}
	d, err := time.ParseDuration(job.Every)
	if err != nil || d > maxTick {
		return maxTick
	}
	return max(d.Truncate(time.Minute), time.Minute)
}

// SystemdUnitName returns the base name of job's systemd units; add
// ".service" or ".timer".
func SystemdUnitName(job string) string { return "cakebackup-" + job }

// SystemdUnits returns the contents of job's systemd user service and
// timer. The timer is Persistent, so a run missed while the machine was
// off starts at boot.
func SystemdUnits(u UnitTarget) (service, timer string, err error) {
	if err := u.check(unixAbs); err != nil {
		return "", "", err
	}
	var exec []string
	for _, a := range u.args() {
		exec = append(exec, systemdQuote(a))
	}
	name := SystemdUnitName(u.Job.Name)
	service = fmt.Sprintf(`# Written by cakebackup schedule install; removed by schedule uninstall.
[Unit]
Description=cakebackup scheduled backup %s

[Service]
Type=oneshot
ExecStart=%s
Nice=10
IOSchedulingClass=idle
`, u.Job.Name, strings.Join(exec, " "))
	timer = fmt.Sprintf(`# Written by cakebackup schedule install; removed by schedule uninstall.
[Unit]
Description=Start cakebackup job %s when it is due

[Timer]
OnCalendar=*:0/%d
Persistent=true
Unit=%s.service

[Install]
WantedBy=timers.target
`, u.Job.Name, int(timerTick(u.Job)/time.Minute), name)
	return service, timer, nil
}

// systemdQuote quotes one ExecStart word: specifiers (%) and variables ($)
// are escaped, and words with spaces or quotes are double-quoted.
func systemdQuote(s string) string {
	s = strings.NewReplacer("%", "%%", "$", "$$").Replace(s)
	if s != "" && !strings.ContainsAny(s, " \t\"'\\;") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// LaunchdLabel returns the launchd label of job's agent.
func LaunchdLabel(job string) string { return "org.cakebackup." + job }

// LaunchdPlist returns job's launchd agent. launchd runs it every tick and
// at load; a StartInterval missed during sleep fires on wake. Output goes
// to logFile.
func LaunchdPlist(u UnitTarget, logFile string) (string, error) {
	if err := u.check(unixAbs); err != nil {
		return "", err
	}
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	var args strings.Builder
	for _, a := range u.args() {
		fmt.Fprintf(&args, "\t\t<string>%s</string>\n", esc(a))
	}
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>%s</string>
	<key>ProgramArguments</key>
	<array>
%s	</array>
	<key>StartInterval</key>
	<integer>%d</integer>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Background</string>
	<key>StandardOutPath</key>
	<string>%s</string>
	<key>StandardErrorPath</key>
	<string>%s</string>
</dict>
</plist>
`, esc(LaunchdLabel(u.Job.Name)), args.String(), int(timerTick(u.Job)/time.Second), esc(logFile), esc(logFile)), nil
}

// maxTaskRun is the longest command line schtasks /TR accepts.
const maxTaskRun = 261

// SchtasksCommand returns the Windows command that creates job's task.
// Its /TR quotes words with spaces as \"...\", the form schtasks documents;
// a path holding a double quote (which Windows file names cannot) or a
// command line longer than schtasks takes is refused.
func SchtasksCommand(u UnitTarget) (string, error) {
	if err := u.check(winpath.IsAbs); err != nil {
		return "", err
	}
	var tr []string
	for _, a := range u.args() {
		if strings.Contains(a, `"`) {
			return "", fmt.Errorf("cannot schedule %q: a Windows path has no double quotes", a)
		}
		if strings.ContainsAny(a, " \t") {
			a = `"` + a + `"`
		}
		tr = append(tr, a)
	}
	run := strings.Join(tr, " ")
	if len(run) > maxTaskRun {
		return "", fmt.Errorf("the task's command line is %d characters, more than the %d schtasks takes: move cakebackup or the config file to a shorter path", len(run), maxTaskRun)
	}
	return fmt.Sprintf(`schtasks /Create /F /TN "cakebackup %s" /SC MINUTE /MO %d /TR "%s"`,
		u.Job.Name, int(timerTick(u.Job)/time.Minute), strings.ReplaceAll(run, `"`, `\"`)), nil
}

// Installed says what Install or Uninstall did and what the user still
// has to do.
type Installed struct {
	// Files written or removed.
	Files []string
	// Next is the command(s) the user runs to enable or stop the job.
	Next string
	// Unseen: the OS keeps its timers where cakebackup does not look
	// (Windows' task scheduler), so Files is empty whatever is there.
	Unseen bool
	// Cron is set by the caller of Uninstall where only cron can start
	// jobs (Linux without systemd's user timers): what schedule install
	// gave there is a crontab line, which only its owner can remove.
	Cron bool
}

// Install writes the OS timer entries that start job (for goos "linux" a
// systemd user service and timer under $XDG_CONFIG_HOME/systemd/user, for
// "darwin" a launchd agent under $HOME/Library/LaunchAgents) and says how
// to enable them; for "windows" it writes nothing and returns the
// schtasks command to run.
func Install(goos string, getenv func(string) string, u UnitTarget) (Installed, error) {
	switch goos {
	case "linux":
		dir, err := systemdUserDir(getenv)
		if err != nil {
			return Installed{}, err
		}
		service, timer, err := SystemdUnits(u)
		if err != nil {
			return Installed{}, err
		}
		name := SystemdUnitName(u.Job.Name)
		files := []string{filepath.Join(dir, name+".service"), filepath.Join(dir, name+".timer")}
		for i, content := range []string{service, timer} {
			if err := writeUnit(files[i], content); err != nil {
				return Installed{}, err
			}
		}
		next := fmt.Sprintf("systemctl --user daemon-reload && systemctl --user enable --now %s.timer\n"+
			"(to run while you are logged out: loginctl enable-linger)", name)
		return Installed{Files: files, Next: next}, nil
	case "darwin":
		home := getenv("HOME")
		if !filepath.IsAbs(home) {
			return Installed{}, errors.New("HOME is not set to an absolute path")
		}
		label := LaunchdLabel(u.Job.Name)
		plist, err := LaunchdPlist(u, filepath.Join(home, "Library", "Logs", "cakebackup-"+u.Job.Name+".log"))
		if err != nil {
			return Installed{}, err
		}
		file := filepath.Join(home, "Library", "LaunchAgents", label+".plist")
		if err := writeUnit(file, plist); err != nil {
			return Installed{}, err
		}
		return Installed{Files: []string{file}, Next: fmt.Sprintf("launchctl bootstrap gui/$(id -u) %s", file)}, nil
	case "windows":
		cmd, err := SchtasksCommand(u)
		if err != nil {
			return Installed{}, err
		}
		return Installed{Next: cmd, Unseen: true}, nil
	}
	return Installed{}, &NoTimersError{GOOS: goos}
}

// NoTimersError is Install's and Uninstall's error on an OS whose timers
// cakebackup does not know; jobs still run from any service manager that
// starts `schedule run`.
type NoTimersError struct{ GOOS string }

func (e *NoTimersError) Error() string { return "timers are not supported on " + e.GOOS }

// Uninstall removes what Install wrote for job (files already gone are no
// error) and says how to stop what is still loaded.
func Uninstall(goos string, getenv func(string) string, job string) (Installed, error) {
	if err := ValidateJobName(job); err != nil {
		return Installed{}, err
	}
	var files []string
	var next string
	switch goos {
	case "linux":
		dir, err := systemdUserDir(getenv)
		if err != nil {
			return Installed{}, err
		}
		name := SystemdUnitName(job)
		files = []string{
			filepath.Join(dir, "timers.target.wants", name+".timer"),
			filepath.Join(dir, name+".timer"),
			filepath.Join(dir, name+".service"),
		}
		next = fmt.Sprintf("systemctl --user stop %s.timer; systemctl --user daemon-reload", name)
	case "darwin":
		home := getenv("HOME")
		if !filepath.IsAbs(home) {
			return Installed{}, errors.New("HOME is not set to an absolute path")
		}
		label := LaunchdLabel(job)
		files = []string{filepath.Join(home, "Library", "LaunchAgents", label+".plist")}
		next = fmt.Sprintf("launchctl bootout gui/$(id -u)/%s", label)
	case "windows":
		return Installed{Next: fmt.Sprintf(`schtasks /Delete /F /TN "cakebackup %s"`, job), Unseen: true}, nil
	default:
		return Installed{}, &NoTimersError{GOOS: goos}
	}
	var removed []string
	for _, f := range files {
		err := os.Remove(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Installed{Files: removed}, fmt.Errorf("uninstall %s: %w", job, err)
		}
		removed = append(removed, f)
	}
	return Installed{Files: removed, Next: next}, nil
}

// systemdUserDir is where systemd looks for a user's own units.
func systemdUserDir(getenv func(string) string) (string, error) {
	cfg, err := xdgDir(getenv, "XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", err
	}
	return filepath.Join(cfg, "systemd", "user"), nil
}

// writeUnit writes a unit file atomically. Units hold no secrets (never a
// password, only where to find one) and are 0644 as service managers
// expect.
func writeUnit(path, content string) error {
	if err := WriteFileAtomic(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// TimerState is what FindTimer finds installed for a job.
type TimerState int

const (
	// NoTimer: nothing is installed under the job's name.
	NoTimer TimerState = iota
	// TimerForJob: the timer installed under the job's name runs that
	// job from the config file given.
	TimerForJob
	// TimerForOther: the timer installed under the job's name runs a job
	// of that name from another config file.
	TimerForOther
	// TimerUnseen: the OS keeps its timers where cakebackup does not
	// look (Windows' task scheduler).
	TimerUnseen
)

// FindTimer tells whether Install wrote a timer on goos for job, as
// started from the config file at absConfig, and returns the file it
// looked at ("" for TimerUnseen). It is NoTimersError's on an OS whose
// timers cakebackup does not know.
func FindTimer(goos string, getenv func(string) string, absConfig string, job Job) (TimerState, string, error) {
	// The executable is not known here; the command line after it is,
	// and it names the config file and the job.
	u := UnitTarget{Executable: "/cakebackup", Config: absConfig, Job: job}
	var file, marker string
	switch goos {
	case "linux":
		dir, err := systemdUserDir(getenv)
		if err != nil {
			return NoTimer, "", err
		}
		service, _, err := SystemdUnits(u)
		if err != nil {
			return NoTimer, "", err
		}
		_, marker, _ = strings.Cut(service, "ExecStart=/cakebackup")
		marker, _, _ = strings.Cut(marker, "\n")
		file, marker = filepath.Join(dir, SystemdUnitName(job.Name)+".service"), marker+"\n"
	case "darwin":
		home := getenv("HOME")
		if !filepath.IsAbs(home) {
			return NoTimer, "", errors.New("HOME is not set to an absolute path")
		}
		plist, err := LaunchdPlist(u, "/log")
		if err != nil {
			return NoTimer, "", err
		}
		start := strings.Index(plist, "<string>schedule</string>")
		end := strings.Index(plist, "<string>--once</string>")
		if start < 0 || end < start {
			return NoTimer, "", errors.New("cannot tell a launchd agent's command line")
		}
		file, marker = filepath.Join(home, "Library", "LaunchAgents", LaunchdLabel(job.Name)+".plist"), plist[start:end]
	case "windows":
		return TimerUnseen, "", nil
	default:
		return NoTimer, "", &NoTimersError{GOOS: goos}
	}
	data, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return NoTimer, file, nil
	case err != nil:
		return NoTimer, file, err
	case !strings.Contains(string(data), marker):
		return TimerForOther, file, nil
	}
	return TimerForJob, file, nil
}

// SystemdRunDir is the folder that exists only on a system booted with
// systemd (the test sd_booted makes).
const SystemdRunDir = "/run/systemd/system"

// SystemdTimers reports whether systemd user timers can start jobs here:
// the system was booted with systemd (runDir, normally SystemdRunDir,
// is a folder) and systemctl is found by lookPath (exec.LookPath). A
// container or a Linux with another init has neither, and its timers are
// cron's.
func SystemdTimers(runDir string, lookPath func(string) (string, error)) bool {
	fi, err := os.Stat(runDir)
	if err != nil || !fi.IsDir() {
		return false
	}
	_, err = lookPath("systemctl")
	return err == nil
}

// CronOnly reports whether only cron can start jobs on goos: on a Linux
// without systemd's user timers, as systemd reports (nil: SystemdTimers
// of this system).
func CronOnly(goos string, systemd func() bool) bool {
	switch {
	case goos != "linux":
		return false
	case systemd != nil:
		return !systemd()
	}
	return !SystemdTimers(SystemdRunDir, exec.LookPath)
}

// CrontabLine returns the crontab line that starts job as Install's
// timers do, every tick, for a Unix without systemd: the command line is
// quoted for the shell cron runs it with, and each % (which cron reads as
// a newline) is escaped.
func CrontabLine(u UnitTarget) (string, error) {
	if err := u.check(unixAbs); err != nil {
		return "", err
	}
	words := make([]string, 0, 8)
	for _, a := range u.args() {
		words = append(words, strings.ReplaceAll(ShellQuote(a), "%", `\%`))
	}
	when := fmt.Sprintf("*/%d * * * *", int(timerTick(u.Job)/time.Minute))
	if timerTick(u.Job) == time.Minute {
		when = "* * * * *"
	}
	return when + " " + strings.Join(words, " "), nil
}

// ShellQuote quotes s for a POSIX shell: as it is when it holds only
// characters no shell treats specially, else in single quotes.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
