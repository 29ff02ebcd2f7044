package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/schedule"
)

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
