package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
