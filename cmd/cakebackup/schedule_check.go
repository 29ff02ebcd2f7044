package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/schedule"
)

// destProbeTimeout bounds how long schedule add waits on one destination
// (a network one) when it checks that it is there.
const destProbeTimeout = 30 * time.Second

// checkNewJob checks what schedule add can check now, so a mistake shows
// when the job is added rather than at its first run: the source is a
// wallet data folder (see checkSource), the settings file JSON, and the
// password can be found. It returns warnings for what may be fine later:
// a destination that is not there now (an unplugged stick), a password
// not yet in the keyring. Failures are usage errors.
func (e *env) checkNewJob(ctx context.Context, cfg *schedule.Config, job schedule.Job, allowEmpty bool) (warnings []string, err error) {
	// A missing source is a mistake here, where create leaves it to the
	// backup to report.
	if job.Watch != "" {
		if err := e.checkWatchDir(job); err != nil {
			return nil, usageError(fmt.Errorf("job %s: %w", job.Name, err))
		}
	} else if err := checkSource(job.Source, allowEmpty); err != nil {
		return nil, usageError(fmt.Errorf("job %s: %w", job.Name, err))
	}
	if err := checkSettings(job.Settings); err != nil {
		return nil, err
	}
	switch {
	case job.PasswordFile != "":
		if _, err := schedule.ReadPasswordFile(job.PasswordFile); err != nil {
			return nil, usageError(fmt.Errorf("job %s: %w", job.Name, err))
		}
	case job.PasswordEnv != "":
		if e.getenv(job.PasswordEnv) == "" {
			return nil, usageError(fmt.Errorf("job %s: environment variable %s is not set: set it here and where the job will run, or use --password-file", job.Name, job.PasswordEnv))
		}
	case job.PasswordKeyring:
		src := schedule.PasswordSource{Getenv: e.getenv, Keyring: schedule.OSKeyring{}}
		if _, err := src.Password(job); err != nil {
			warnings = append(warnings, oneLine(err.Error()))
		}
	}
	reg := e.registry()
	for _, spec := range cfg.DestsFor(job) {
		if s, err := destinations.ParseSpec(spec); err == nil && !slices.Contains(reg.Schemes(), s.Scheme) {
			return nil, usageError(fmt.Errorf("job %s: destination %s: unknown kind %q (known: %s)", job.Name, spec, s.Scheme, strings.Join(reg.Schemes(), ", ")))
		}
	}
	for _, spec := range cfg.DestsFor(job) {
		if err := e.probeDest(ctx, spec); err != nil {
			warnings = append(warnings, fmt.Sprintf("job %s: %s is not available now (%s); its runs fail until it is", job.Name, spec, oneLine(err.Error())))
		}
	}
	return warnings, nil
}

// probeDest opens a destination to see that it is there now.
func (e *env) probeDest(ctx context.Context, spec string) error {
	ctx, cancel := context.WithTimeout(ctx, destProbeTimeout)
	defer cancel()
	d, err := e.openDest(ctx, spec)
	if err != nil {
		return err
	}
	return d.Close()
}

// checkInstallable refuses, with the fix, to point a timer at a program
// that will not stay where it is: one `go run` built in the Go build
// cache, or any in a temporary folder. goCache is $GOCACHE (may be "").
func checkInstallable(exe, goCache, tempDir string) error {
	within := func(dir string) bool {
		if dir == "" {
			return false
		}
		rel, err := filepath.Rel(dir, exe)
		return err == nil && filepath.IsLocal(rel)
	}
	slash := strings.ReplaceAll(exe, `\`, "/")
	if within(goCache) || within(tempDir) || strings.Contains(slash, "/go-build") {
		return usageError(fmt.Errorf("%s is a temporary build (go run or a temporary folder) that will be gone: install cakebackup with `go install ./cmd/cakebackup`, then run the installed cakebackup's schedule install", exe))
	}
	return nil
}

// installableExecutable is this program's path, resolved, unless it will
// not stay where it is (see checkInstallable).
func (e *env) installableExecutable() (string, error) {
	find := e.executable
	if find == nil {
		find = os.Executable
	}
	exe, err := find()
	if err != nil {
		return "", fmt.Errorf("finding the cakebackup program: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return "", fmt.Errorf("finding the cakebackup program: %w", err)
	}
	tmp := os.TempDir()
	if resolved, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = resolved
	}
	return exe, checkInstallable(exe, e.getenv("GOCACHE"), tmp)
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
