//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/schedule"
)

// TestScheduleSIGTERMMidBackup runs the real binary's foreground scheduler
// and sends it SIGTERM while a backup is being written: it must exit 0,
// leave nothing in the destination and record the run as aborted.
func TestScheduleSIGTERMMidBackup(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and backs up 48 MB")
	}
	s := newScheduleCLI(t)
	source := bigWalletSource(t) // random, so it takes a while to compress and encrypt
	s.mustRun("schedule", "add", "--source", source, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "--keep-last", "1", "big")

	cmd := exec.Command(programPath(t), "schedule", "run")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"} {
		cmd.Env = append(cmd.Env, k+"="+s.vars[k])
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Wait for the backup's temporary file to appear, then stop the scheduler.
	deadline := time.Now().Add(time.Minute)
	for len(s.backups(t)) == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no backup started; stderr: %s", stderr.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("scheduler after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("the scheduler did not stop after SIGTERM")
	}
	if got := s.backups(t); len(got) != 0 {
		t.Fatalf("destination after SIGTERM holds %v, want nothing", got)
	}
	js, err := s.state(t).Job("big")
	if err != nil {
		t.Fatal(err)
	}
	if js.LastResult != schedule.ResultAborted || !strings.Contains(stderr.String(), "result=aborted") {
		t.Fatalf("state %+v; stderr: %s", js, stderr.String())
	}
}

// TestScheduleKilledRunShowsInterrupted runs the real binary's scheduler
// and kills it with SIGKILL while a backup is being written: it records
// nothing, so schedule status must tell from the run's mark that it was
// killed ("interrupted"), in its table and in --json.
func TestScheduleKilledRunShowsInterrupted(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and backs up 48 MB")
	}
	s := newScheduleCLI(t)
	source := bigWalletSource(t) // random, so it takes a while to compress and encrypt
	s.mustRun("schedule", "add", "--source", source, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "big")

	cmd := exec.Command(programPath(t), "schedule", "run", "--now", "big")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"} {
		cmd.Env = append(cmd.Env, k+"="+s.vars[k])
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Once the backup's temporary file is there, the run is marked.
	deadline := time.Now().Add(time.Minute)
	for len(s.backups(t)) == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("no backup started")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	js, err := s.state(t).Job("big")
	if err != nil || js.RunningPID != cmd.Process.Pid || js.RunningSince.IsZero() {
		t.Fatalf("state after the kill: %+v, %v; want the killed run's mark", js, err)
	}
	out := s.mustRun("schedule", "status")
	if !strings.Contains(out, "interrupted") || !strings.Contains(out, "was killed before it ended") {
		t.Fatalf("status after the kill:\n%s", out)
	}
	s.mustRun("schedule", "status", "--json")
	if !strings.Contains(s.stdout.String(), `"interrupted": true`) {
		t.Errorf("status --json: %s", s.stdout.String())
	}
}
