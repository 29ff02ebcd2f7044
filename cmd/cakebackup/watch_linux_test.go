package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// TestWatchJobToUSBAndProton is the end-to-end case: an app
// export dropped into a watched folder lands, verified, on a USB stick
// and on (fake) Proton Drive exactly once, through a scheduled watch job
// run twice; a failing destination shows in schedule status.
func TestWatchJobToUSBAndProton(t *testing.T) {
	t.Parallel()
	mnt, det := usbStick(t, "WATCHUSB", 32<<20)
	c, _ := loggedInProtonCLI(t)
	c.drives = det
	s := &scheduleCLI{cliRun: c, config: filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "config.toml")}

	in := t.TempDir()
	s.mustRun("schedule", "add", "exports", "--watch", in, "--dest", "usb:WATCHUSB", "--dest", "proton:/Backups/Cake", "--every", "1h")
	if out := s.mustRun("schedule", "list"); !strings.Contains(out, "watch "+in) {
		t.Fatalf("list:\n%s", out)
	}
	src, export := dropExport(t, in, "v3")
	name := filepath.Base(src)

	for run := range 2 {
		s.mustRun("schedule", "run", "--job", "exports", "--once")
		log := s.stderr.String()
		if n := strings.Count(log, "msg=shipped"); n != 1-run {
			t.Fatalf("run %d: %d shipped lines: %s", run, n, log)
		}
		js, err := s.state(t).Job("exports")
		if err != nil || js.LastResult != schedule.ResultOK {
			t.Fatalf("run %d: state %+v (%v); log %s", run, js, err, log)
		}
		sameFile(t, filepath.Join(mnt, local.BackupFolder, name), export)
		if entries, _ := os.ReadDir(filepath.Join(mnt, local.BackupFolder)); len(entries) != 1 {
			t.Fatalf("run %d: the stick holds %d files", run, len(entries))
		}
		var listed lsJSON
		if err := json.Unmarshal([]byte(s.mustRun("ls", "proton:/Backups/Cake", "--json")), &listed); err != nil {
			t.Fatal(err)
		}
		entries := listed.Backups
		if len(entries) != 1 || entries[0].Name != name || entries[0].Size != int64(len(export)) {
			t.Fatalf("run %d: Proton Drive holds %+v", run, entries)
		}
		s.pretendLastRunWas(t, "exports", 2*time.Hour)
	}
	// The copy on Proton Drive is the app's export: it verifies with the
	// app's password and the app can import it.
	pw := writePasswordFile(t, appExportPassword)
	if out := s.mustRun("inspect", "proton:/Backups/Cake/"+name, "--password-file", pw); !strings.Contains(out, "the app can import it") {
		t.Errorf("inspect printed %q", out)
	}
	s.mustRun("verify", "proton:/Backups/Cake/"+name, "--password-file", pw)

	// A watch job whose destination is gone fails visibly.
	s.mustRun("schedule", "add", "broken", "--watch", in, "--dest", "folder:"+filepath.Join(t.TempDir(), "gone"), "--every", "1h")
	if code := s.run("schedule", "run", "--job", "broken", "--once"); code != exitFailure {
		t.Fatalf("exit %d, want %d: %s", code, exitFailure, s.stderr.String())
	}
	// status exits 1 while a job fails (issue #16).
	code := s.run("schedule", "status")
	if out := s.stdout.String(); code != exitFailure || !strings.Contains(out, "broken") || !strings.Contains(out, "FAILED") {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
}

// bigSnapshotFixture is a 48 MiB backup of bigWalletSource made by
// create: an export big enough that checking and shipping it take a
// while, time to interrupt them.
var bigSnapshotFixture = &fixture{name: "big-snapshot", make: func(t *testing.T) string {
	dir := t.TempDir()
	newCLI(t).mustRun("create", "--source", bigWalletSource(t), "--dest", "folder:"+dir, "--name", "cake_wallet_backup_2026-12-01_0800",
		"--password-file", writePasswordFile(t, "a long and strong password for tests 9"))
	return filepath.Join(dir, "cake_wallet_backup_2026-12-01_0800")
}}

// opened reports whether process pid has file open.
func opened(pid int, file string) bool {
	fds, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "fd", fd.Name())); err == nil && target == file {
			return true
		}
	}
	return false
}

// TestWatchOnceInterrupted stops a real `watch --once` with SIGINT while
// it reads an export to check it, and with SIGTERM while it writes its
// copy: like any command a person runs, it says "interrupted" (and
// nothing else that reads as a failure) and exits 130 or 143, not 0 as if
// it had shipped; nothing is left at the destination; the next run ships
// the export.
func TestWatchOnceInterrupted(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the binary on a 48 MB export")
	}
	bin := programPath(t)
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		code int
		// now says when to send sig: the process is checking or shipping.
		now func(pid int, export, dest string) bool
	}{
		{"SIGINT while checking", syscall.SIGINT, 130, func(pid int, export, dest string) bool {
			entries, _ := os.ReadDir(dest)
			return len(entries) == 0 && opened(pid, export)
		}},
		{"SIGTERM while shipping", syscall.SIGTERM, 143, func(pid int, export, dest string) bool {
			entries, _ := os.ReadDir(dest)
			return len(entries) > 0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			in, dest := t.TempDir(), t.TempDir()
			export := filepath.Join(in, "cake_wallet_backup_2026-12-01_0800")
			if err := os.Rename(bigSnapshotFixture.copyFor(t), export); err != nil {
				t.Fatal(err)
			}
			args := []string{"watch", in, "--dest", "folder:" + dest, "--once", "--settle", "1ms"}
			cmd := exec.Command(bin, args...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
			for k, v := range c.vars {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			signalWhen(t, cmd, &stderr, tc.sig, func() bool { return tc.now(cmd.Process.Pid, export, dest) })
			log := stderr.String()
			if code := cmd.ProcessState.ExitCode(); code != tc.code || !strings.HasSuffix(log, "cakebackup: interrupted\n") {
				t.Fatalf("exit %d after %v, want %d and \"interrupted\"; stderr %q", code, tc.sig, tc.code, log)
			}
			if strings.Contains(log, "level=ERROR") {
				t.Errorf("an interruption logged as an error: %q", log)
			}
			if entries, _ := os.ReadDir(dest); len(entries) != 0 {
				t.Fatalf("destination holds %v after %v, want nothing", entries, tc.sig)
			}
			c.mustRun(args...)
			b, err := os.ReadFile(export)
			if err != nil {
				t.Fatal(err)
			}
			sameFile(t, filepath.Join(dest, filepath.Base(export)), b)
		})
	}
}
