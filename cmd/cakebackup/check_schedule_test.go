package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/schedule"
)

// A scheduled run records the backup it made as verified (size, SHA-512,
// identity); a damaged file named like the job's backups fails pruning's
// check and `schedule status` reports it; check_subset checks after each
// run.
func TestScheduleRecordsAndReportsChecks(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest,
		"--every", "24h", "--password-file", s.pw, "--keep-last", "3", "nightly")
	s.mustRun("schedule", "run", "--config", s.config, "--job", "nightly", "--once")
	js, err := s.state(t).Job("nightly")
	if err != nil || js.LastResult != schedule.ResultOK {
		t.Fatalf("run: %+v %v; stderr %s", js, err, s.stderr.String())
	}
	paths, err := schedule.DefaultPaths(s.getenv)
	if err != nil {
		t.Fatal(err)
	}
	store := schedule.VerifiedStore{Path: paths.VerifiedPath()}
	vf, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	made := filepath.Base(js.LastBackup)
	rec := vf.Dests["folder:"+s.dest][made]
	if rec.SHA512 == "" || rec.Identity == "" || !rec.OK() || rec.Size != js.LastSize {
		t.Fatalf("record of %s = %+v (file %+v); want size, SHA-512 and identity", made, rec, vf)
	}

	damaged := schedule.BackupName("nightly", time.Now().AddDate(0, 0, -3))
	damagedPath := filepath.Join(s.dest, damaged)
	if err := os.WriteFile(damagedPath, []byte("not a backup at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.mustRun("schedule", "prune", "--config", s.config, "nightly")
	if code := s.run("schedule", "status", "--config", s.config); code != exitFailure {
		t.Fatalf("status with a damaged backup: exit %d, want %d", code, exitFailure)
	}
	if out := s.stdout.String(); !strings.Contains(out, "DAMAGED backup of job nightly") || !strings.Contains(out, damaged) {
		t.Fatalf("status does not report %s:\n%s", damaged, out)
	}
	if msg := s.stderr.String(); !strings.Contains(msg, "1 stored backup failed a check") {
		t.Errorf("status stderr %q", msg)
	}
	var status struct{ Jobs []schedule.JobReport }
	s.run("schedule", "status", "--config", s.config, "--json")
	if err := json.Unmarshal(s.stdout.Bytes(), &status); err != nil {
		t.Fatal(err)
	}
	rows := status.Jobs
	if len(rows) != 1 || len(rows[0].FailedBackups) != 1 || rows[0].FailedBackups[0].Name != damaged {
		t.Fatalf("status --json = %+v; want %s failed", rows, damaged)
	}

	// With check_subset the run then checks the destination: the damaged
	// file fails the run.
	cfg, err := schedule.LoadConfig(s.config)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Jobs[0].CheckSubset = "1/7"
	if err := cfg.Save(s.config); err != nil {
		t.Fatal(err)
	}
	s.pretendLastRunWas(t, "nightly", 25*time.Hour)
	nextSecond() // backup names have one-second resolution
	s.run("schedule", "run", "--config", s.config, "--job", "nightly", "--once")
	js, err = s.state(t).Job("nightly")
	if err != nil {
		t.Fatal(err)
	}
	if js.LastResult != schedule.ResultFailed || !strings.Contains(js.LastError, damagedPath) {
		t.Fatalf("run with check_subset: %+v; want a failure naming %s", js, damagedPath)
	}
	if vf, err = store.Load(); err != nil || vf.Checks["folder:"+s.dest] != 1 {
		t.Fatalf("checks counted: %+v, %v; want 1", vf, err)
	}
}
