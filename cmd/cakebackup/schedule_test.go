package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
)

// scheduleCLI is a CLI with a config file path and a folder destination.
type scheduleCLI struct {
	*cliRun
	config string
	dest   string
	pw     string // password file, 0600
}

func newScheduleCLI(t *testing.T) *scheduleCLI {
	c := newCLI(t)
	return &scheduleCLI{
		cliRun: c,
		config: filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "config.toml"),
		dest:   t.TempDir(),
		pw:     writePasswordFile(t, "scheduled-secret-password-9f2k"),
	}
}

func (s *scheduleCLI) getenv(k string) string { return s.vars[k] }

func (s *scheduleCLI) state(t *testing.T) schedule.StateStore {
	t.Helper()
	paths, err := schedule.DefaultPaths(func(k string) string { return s.vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	return schedule.StateStore{Path: paths.State}
}

// backups lists the files in the destination folder, hidden ones too.
func (s *scheduleCLI) backups(t *testing.T) []string {
	t.Helper()
	des, err := os.ReadDir(s.dest)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

// pretendLastRunWas moves the job's last run back, as if d had passed.
func (s *scheduleCLI) pretendLastRunWas(t *testing.T, job string, d time.Duration) {
	t.Helper()
	st := s.state(t)
	js, err := st.Job(job)
	if err != nil {
		t.Fatal(err)
	}
	js.LastStart = js.LastStart.Add(-d)
	if err := st.Record(job, js); err != nil {
		t.Fatal(err)
	}
}

func TestScheduleAddListRemove(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest,
		"--every", "24h", "--password-file", s.pw, "--keep-daily", "7", "--keep-weekly", "4", "nightly")
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "proton:/Backups/Cake",
		"--cron", "30 2 * * *", "--password-keyring", "cloud")
	fi, err := os.Stat(s.config)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config: %v %v", fi, err)
	}
	cfg, err := schedule.LoadConfig(s.config)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(sampleWallets)
	if len(cfg.Jobs) != 2 || cfg.Jobs[0].Source != abs || cfg.Jobs[0].KeepDaily != 7 || !cfg.Jobs[1].PasswordKeyring {
		t.Fatalf("config = %+v", cfg)
	}
	out := s.mustRun("schedule", "list")
	for _, want := range []string{"nightly", "every 24h", "daily 7, weekly 4", "cloud", "cron 30 2 * * *", "keyring", "proton:/Backups/Cake"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "scheduled-secret") {
		t.Fatal("list shows a password")
	}

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"schedule", "add", "--source", sampleWallets, "--every", "1h", "--password-env", "X", "nightly"}, "already exists"},
		{[]string{"schedule", "add", "--source", sampleWallets, "--every", "1h", "--password-env", "X", "bad name"}, "letters, digits"},
		{[]string{"schedule", "add", "--source", sampleWallets, "--dest", "downloads", "--every", "soon", "--password-env", "X", "j"}, "every"},
		{[]string{"schedule", "add", "--source", sampleWallets, "--dest", "downloads", "--every", "1h", "j"}, "no password source"},
		{[]string{"schedule", "remove", "nope"}, `no job "nope"`},
		{[]string{"schedule", "install", "nope"}, `no job "nope"`},
	}
	for _, tt := range tests {
		if code := s.run(tt.args...); code != exitUsage || !strings.Contains(s.stderr.String(), tt.want) ||
			strings.Count(s.stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q on one line", tt.args, code, s.stderr.String(), tt.want)
		}
	}

	// A relative folder is made absolute: a timer does not start here.
	s.vars["P"] = "a-password-in-the-environment"
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:rel/backups", "--every", "1h", "--password-env", "P", "relative")
	cfg, _ = schedule.LoadConfig(s.config)
	if j, _ := cfg.Job("relative"); !strings.HasPrefix(j.Dest, "folder:/") || !strings.HasSuffix(j.Dest, "/rel/backups") {
		t.Fatalf("relative dest saved as %q", j.Dest)
	}
	s.mustRun("schedule", "remove", "relative")
	s.mustRun("schedule", "remove", "nightly")
	cfg, _ = schedule.LoadConfig(s.config)
	if len(cfg.Jobs) != 1 || cfg.Jobs[0].Name != "cloud" {
		t.Fatalf("after remove: %+v", cfg.Jobs)
	}
}

func TestScheduleConfigErrorNamesLine(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	os.MkdirAll(filepath.Dir(s.config), 0o700)
	text := "[[job]]\nname = \"n\"\nsource = \"/x\"\ndest = \"downloads\"\nevery = \"nightly\"\npassword_env = \"P\"\n"
	if err := os.WriteFile(s.config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := s.run("schedule", "list"); code != exitUsage || !strings.Contains(s.stderr.String(), "config.toml:5: job \"n\": every") {
		t.Fatalf("exit %d, stderr %q", code, s.stderr.String())
	}
}

// TestScheduleRunOnceBacksUpAndPrunes is the timer's path end to end: real
// backups of the sample wallets into a folder, one per due pass, pruned to
// keep-last 2, never touching a damaged file that looks like a backup.
func TestScheduleRunOnceBacksUpAndPrunes(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--settings", sampleSettings,
		"--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "--keep-last", "2", "nightly")
	damaged := schedule.BackupName("nightly", time.Now().AddDate(0, 0, -30))
	if err := os.WriteFile(filepath.Join(s.dest, damaged), []byte("not a backup at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	var made []string
	for i := range 3 {
		s.mustRun("schedule", "run", "--config", s.config, "--job", "nightly", "--once")
		js, err := s.state(t).Job("nightly")
		if err != nil {
			t.Fatal(err)
		}
		if js.LastResult != schedule.ResultOK || !strings.HasPrefix(js.LastBackup, s.dest) {
			t.Fatalf("run %d: state %+v; stderr %s", i, js, s.stderr.String())
		}
		made = append(made, filepath.Base(js.LastBackup))
		log := s.stderr.String()
		for _, want := range []string{"job=nightly", "result=ok", "size=", "duration=", "where=" + js.LastBackup} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q: %s", want, log)
			}
		}
		if strings.Contains(log, "scheduled-secret") {
			t.Fatal("the password is in the log")
		}
		// Not due again right away: a second pass does nothing.
		s.mustRun("schedule", "run", "--config", s.config, "--job", "nightly", "--once")
		if strings.Contains(s.stderr.String(), "result=") {
			t.Fatalf("ran again before due: %s", s.stderr.String())
		}
		s.pretendLastRunWas(t, "nightly", 25*time.Hour)
		nextSecond() // backup names have one-second resolution
	}
	got := s.backups(t)
	want := []string{damaged, made[1], made[2]}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("folder = %v, want %v", got, want)
	}
	for _, name := range made[1:] {
		path := filepath.Join(s.dest, name)
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", name, fi.Mode().Perm())
		}
		s.mustRun("verify", "--password-file", s.pw, path)
	}
	// A dry run shows what would go and deletes nothing.
	out := s.mustRun("schedule", "prune", "nightly", "--config", s.config, "--dry-run")
	if !strings.Contains(out, "keep          "+filepath.Join(s.dest, made[2])) || !strings.Contains(out, "not a backup") {
		t.Fatalf("prune --dry-run:\n%s", out)
	}
	if !slices.Equal(s.backups(t), got) {
		t.Fatal("dry run deleted files")
	}
}

func TestScheduleFailureIsVisible(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "good")
	loose := writePasswordFile(t, "scheduled-secret-password-9f2k")
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", loose, "loose")
	os.Chmod(loose, 0o644) // after add, which refuses it
	code := s.run("schedule", "run", "--once")
	if code == exitOK {
		t.Fatal("a failed run exited 0 under --once")
	}
	if strings.Contains(s.stderr.String(), "scheduled-secret") {
		t.Fatal("the password is in the output")
	}
	js, _ := s.state(t).Job("loose")
	if js.LastResult != schedule.ResultFailed || !strings.Contains(js.LastError, "want 0600 or 0400") {
		t.Fatalf("state of loose = %+v", js)
	}
	if got := s.backups(t); len(got) != 1 {
		t.Fatalf("folder = %v, want the good job's one backup", got)
	}
	// A failing job makes status exit 1, for login scripts and monitoring.
	if code := s.run("schedule", "status"); code != exitFailure || !strings.Contains(s.stderr.String(), "loose (failing)") {
		t.Fatalf("status: exit %d, stderr %q", code, s.stderr.String())
	}
	out := s.stdout.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "loose") || !strings.Contains(lines[1], "FAILED") ||
		!strings.Contains(lines[1], "0644") || !strings.HasPrefix(lines[2], "good") || !strings.Contains(lines[2], " ok ") {
		t.Fatalf("status:\n%s", out)
	}
	if code := s.run("schedule", "status", "--json"); code != exitFailure {
		t.Fatalf("status --json: exit %d", code)
	}
	var status struct{ Jobs []schedule.JobReport }
	err := json.Unmarshal(s.stdout.Bytes(), &status)
	if rows := status.Jobs; err != nil || len(rows) != 2 || !rows[0].Failing || rows[0].Job != "loose" {
		t.Fatalf("status --json: %v %+v", err, status)
	}
}

func TestScheduleRunFailsFastWithoutSecret(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.vars["NIGHTLY_PW"] = "set when the job was added"
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "1h", "--password-env", "NIGHTLY_PW", "envjob")
	delete(s.vars, "NIGHTLY_PW")
	done := make(chan int, 1)
	go func() { done <- s.run("schedule", "run") }()
	select {
	case code := <-done:
		if code == exitOK || !strings.Contains(s.stderr.String(), "NIGHTLY_PW is not set") {
			t.Fatalf("exit %d, stderr %q", code, s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the scheduler started without the job's password")
	}
	if got := s.backups(t); len(got) != 0 {
		t.Fatalf("folder = %v", got)
	}
}

func TestScheduleRunAdHoc(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	for range 2 {
		s.mustRun("schedule", "run", "--once", "--source", sampleWallets, "--dest", "folder:"+s.dest,
			"--every", "1h", "--keep-last", "1", "--password-file", s.pw, "--job", "quick")
		s.pretendLastRunWas(t, "quick", 2*time.Hour)
		nextSecond() // backup names have one-second resolution
	}
	got := s.backups(t)
	if len(got) != 1 || !strings.HasPrefix(got[0], "cake_wallet_backup_quick_") {
		t.Fatalf("folder = %v, want one backup of job quick", got)
	}
	if code := s.run("schedule", "run", "--once", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "1h"); code != exitUsage ||
		!strings.Contains(s.stderr.String(), "never asks for the password") {
		t.Fatalf("without password: exit %d, %q", code, s.stderr.String())
	}
	loose := writePasswordFile(t, "x")
	os.Chmod(loose, 0o644)
	if code := s.run("schedule", "run", "--once", "--source", sampleWallets, "--every", "1h", "--password-file", loose); code != exitUsage ||
		!strings.Contains(s.stderr.String(), "0644") {
		t.Fatalf("loose password file: exit %d, %q", code, s.stderr.String())
	}
}

// TestScheduleRunAdHocSourcesKeepTheirOwn: two ad hoc jobs without --job,
// of two sources, sending to one folder with --keep-last 1, are two jobs
// named after their sources: each keeps its own newest backup, and a
// second run of one prunes only that one's older backup.
func TestScheduleRunAdHocSourcesKeepTheirOwn(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	other := filepath.Join(t.TempDir(), "wallets")
	if err := os.CopyFS(other, os.DirFS(sampleWallets)); err != nil {
		t.Fatal(err)
	}
	absSample, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	runAdHoc := func(src string) {
		t.Helper()
		s.mustRun("schedule", "run", "--once", "--source", src, "--dest", "folder:"+s.dest,
			"--every", "1h", "--keep-last", "1", "--password-file", s.pw)
	}
	nameA, nameB := schedule.AdHocJobName(absSample), schedule.AdHocJobName(other)
	if nameA == nameB || !strings.HasPrefix(nameA, "adhoc-") {
		t.Fatalf("names %q and %q", nameA, nameB)
	}
	runAdHoc(sampleWallets)
	if !strings.Contains(s.stderr.String(), "job="+nameA) {
		t.Fatalf("the log does not name job %s: %s", nameA, s.stderr.String())
	}
	runAdHoc(other)
	firstA := s.backups(t)
	if len(firstA) != 2 {
		t.Fatalf("after one run of each: folder = %v, want a backup of each source", firstA)
	}
	nextSecond() // backup names have one-second resolution
	s.pretendLastRunWas(t, nameA, 2*time.Hour)
	runAdHoc(sampleWallets)
	got := s.backups(t)
	var a, b []string
	for _, n := range got {
		switch {
		case strings.HasPrefix(n, "cake_wallet_backup_"+nameA+"_"):
			a = append(a, n)
		case strings.HasPrefix(n, "cake_wallet_backup_"+nameB+"_"):
			b = append(b, n)
		}
	}
	if len(a) != 1 || len(b) != 1 || len(got) != 2 || slices.Contains(firstA, a[0]) {
		t.Fatalf("folder = %v (before: %v); want the newest backup of %s and the one of %s", got, firstA, nameA, nameB)
	}
}

func TestScheduleInstallUninstall(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "nightly")
	s.executable = installedProgram(t)
	out := s.mustRun("schedule", "install", "nightly")
	unitDir := filepath.Join(s.vars["XDG_CONFIG_HOME"], "systemd", "user")
	service := filepath.Join(unitDir, "cakebackup-nightly.service")
	timer := filepath.Join(unitDir, "cakebackup-nightly.timer")
	if !strings.Contains(out, "systemctl --user enable --now cakebackup-nightly.timer") {
		t.Fatalf("install said:\n%s", out)
	}
	data, err := os.ReadFile(service)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "schedule run --config "+s.config+" --job nightly --once") {
		t.Fatalf("service:\n%s", data)
	}
	if analyze, err := exec.LookPath("systemd-analyze"); err == nil {
		// ExecStart names an installed program, which exists.
		if out, err := exec.Command(analyze, "verify", service, timer).CombinedOutput(); err != nil {
			t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
		}
	}
	if strings.Contains(s.stderr.String(), "warning") {
		t.Fatalf("install warned about a good password file: %s", s.stderr.String())
	}
	os.Chmod(s.pw, 0o644)
	s.mustRun("schedule", "install", "nightly")
	if !strings.Contains(s.stderr.String(), "warning: job nightly: ") || !strings.Contains(s.stderr.String(), "password file") || !strings.Contains(s.stderr.String(), "0644") {
		t.Fatalf("install did not warn about a loose password file: %q", s.stderr.String())
	}
	s.mustRun("schedule", "uninstall", "nightly")
	for _, f := range []string{service, timer} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Fatalf("%s still there", f)
		}
	}
}

func TestScheduleKeyringUnavailableIsClear(t *testing.T) {
	t.Parallel()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		t.Skip("a real OS keyring may be present; this test does not write to it")
	}
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-keyring", "kr")
	s.stdin = "typed-secret-password\n"
	if code := s.run("schedule", "set-password", "--password-stdin", "kr"); code == exitOK ||
		!strings.Contains(s.stderr.String(), "no OS keyring available") || strings.Contains(s.stderr.String(), "typed-secret") {
		t.Fatalf("set-password: exit %d, %q", code, s.stderr.String())
	}
	// Without a keyring there is nothing to type a password for: that is
	// said first, before asking for one (here: before finding there is
	// no terminal to ask on).
	s.stdin = ""
	if code := s.run("schedule", "set-password", "kr"); code == exitOK ||
		!strings.Contains(s.stderr.String(), "no OS keyring available") || strings.Contains(s.stderr.String(), "terminal") {
		t.Fatalf("set-password without a keyring: exit %d, %q", code, s.stderr.String())
	}
	if code := s.run("schedule", "run", "--once"); code == exitOK {
		t.Fatal("run without a keyring exited 0")
	}
	js, _ := s.state(t).Job("kr")
	if js.LastResult != schedule.ResultFailed || !strings.Contains(js.LastError, "keyring") {
		t.Fatalf("state = %+v", js)
	}
}

// TestScheduleLoopStopsCleanly runs the foreground scheduler, lets it make
// the due backup, then cancels it as SIGTERM does in main: exit 0.
func TestScheduleLoopStopsCleanly(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "loop")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"cakebackup", "schedule", "run"}, &env{
			stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr,
			getenv: func(k string) string { return s.vars[k] },
		})
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		js, err := s.state(t).Job("loop")
		if err == nil && js.LastResult != "" {
			if js.LastResult != schedule.ResultOK {
				t.Fatalf("state = %+v", js)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler made no backup")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d after cancel; stderr %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the scheduler did not stop")
	}
	if got := s.backups(t); len(got) != 1 || !strings.HasPrefix(got[0], "cake_wallet_backup_loop_") {
		t.Fatalf("folder = %v", got)
	}
}

// TestScheduleToProtonDrive runs a job twice, unattended, to a fake Proton
// Drive on loopback with the cached session, and prunes to keep-last 1.
func TestScheduleToProtonDrive(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("about 20 s: each run logs in to the fake Proton server twice (backup, prune)")
	}
	e, drive := fakeProtonEnv(t)
	ctx := context.Background()
	if err := drive.MakeFolder(ctx, "/", "Backups"); err != nil {
		t.Fatal(err)
	}
	s := newScheduleCLI(t)
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", proton.URLEnv, proton.SessionEnv} {
		s.vars[k] = e.getenv(k)
	}
	s.config = filepath.Join(s.vars["XDG_CONFIG_HOME"], "cakebackup", "config.toml")
	s.mustRun("schedule", "add", "cloud", "--source", sampleWallets, "--dest", "proton:/Backups",
		"--cron", "@daily", "--password-file", s.pw, "--keep-last", "1")
	var made []string
	for range 2 {
		s.mustRun("schedule", "run", "--once")
		js, err := s.state(t).Job("cloud")
		if err != nil || js.LastResult != schedule.ResultOK {
			t.Fatalf("state %+v %v; stderr %s", js, err, s.stderr.String())
		}
		made = append(made, js.LastBackup)
		s.pretendLastRunWas(t, "cloud", 48*time.Hour)
		nextSecond() // backup names have one-second resolution
	}
	dest, err := proton.Open(ctx, "/Backups", s.getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := dest.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Location != made[1] || !strings.HasPrefix(list[0].Name, "cake_wallet_backup_cloud_") {
		t.Fatalf("Proton folder holds %+v, want only %s", list, made[1])
	}
}

// nextSecond waits until the clock reaches the next whole second: backup
// names have one-second resolution, so a backup started after it is
// named apart from every backup started before.
func nextSecond() {
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
}

// TestRunNowSeveralFailuresNoStrayHint: when several jobs fail, the one
// line names the first failure and carries no hint meant for another
// (a watch job's "give another --dest" after a password error).
func TestRunNowSeveralFailuresNoStrayHint(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	loose := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(loose, []byte("a password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	watched := t.TempDir()
	s.mustRun("schedule", "add", "first", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "1h", "--password-file", loose)
	s.mustRun("schedule", "add", "second", "--watch", watched, "--dest", "folder:"+s.dest, "--every", "1h")
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	// The watch job's destination becomes its own folder behind the
	// config check's back, as an edit by hand would.
	cfg, err := os.ReadFile(s.config)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(cfg), `watch = "`+watched+`"`+"\n  dest = \"folder:"+s.dest+`"`, `watch = "`+watched+`"`+"\n  dest = \"folder:"+watched+`"`, 1)
	if edited == string(cfg) {
		t.Fatalf("config not as expected:\n%s", cfg)
	}
	if err := os.WriteFile(s.config, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	code := s.run("schedule", "run", "--now", "first", "--now", "second")
	stderr := s.stderr.String()
	last := stderr[strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")+1:]
	if code == exitOK || !strings.Contains(last, "2 runs failed") || !strings.Contains(last, "job first") || strings.Contains(last, "give another --dest") {
		t.Errorf("exit %d, last line %q; want the count, job first's error and no hint for job second", code, last)
	}
}

// TestPruneNamesADamagedBackupSo: prune --dry-run calls a job's backup
// that fails its check damaged (as schedule status does), not "not a
// backup".
func TestPruneNamesADamagedBackupSo(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h",
		"--password-file", s.pw, "--keep-last", "2", "nightly")
	s.mustRun("schedule", "run", "--now", "nightly")
	made := s.backups(t)
	if len(made) != 1 {
		t.Fatalf("folder holds %v", made)
	}
	path := filepath.Join(s.dest, made[0])
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out := s.mustRun("schedule", "prune", "nightly", "--dry-run")
	if !strings.Contains(out, "damaged       "+path) || strings.Contains(out, "not a backup") {
		t.Errorf("prune --dry-run:\n%s\nwant %s called damaged", out, path)
	}
}

// TestStatusOfAMissingConfigFileFails: schedule status and list given a
// --config file that is not there (a typo in a monitoring script) say so
// with the usage exit code, rather than "No scheduled jobs" and exit 0,
// which would read as all being well. Without --config, a machine with
// no jobs yet still just has none.
func TestStatusOfAMissingConfigFileFails(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "cofnig.toml")
	for _, args := range [][]string{
		{"schedule", "status", "--config", missing},
		{"schedule", "status", "--config", missing, "--json"},
		{"schedule", "list", "--config", missing},
	} {
		c := newCLI(t)
		if code := c.run(args...); code != exitUsage || !strings.Contains(c.stderr.String(), missing) {
			t.Errorf("%v: exit %d, stderr %q; want %d naming the file", args, code, c.stderr.String(), exitUsage)
		}
	}
	c := newCLI(t)
	if out := c.mustRun("schedule", "status"); !strings.Contains(out, "No scheduled jobs") {
		t.Errorf("schedule status with no config yet printed %q", out)
	}
}

// TestRunNowInterruptedSaysSo: schedule run --now, which a person runs at
// a terminal as they run create, stopped by Ctrl-C says "interrupted" and
// exits 130 like any command, not 0 as if the backup had been made.
func TestRunNowInterruptedSaysSo(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "nightly")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(&interrupt.Error{Code: 130})
	code := s.runContext(ctx, "schedule", "run", "--now", "nightly")
	if code != 130 || !strings.Contains(s.stderr.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 130 and interrupted", code, s.stderr.String())
	}
	if got := s.backups(t); len(got) != 0 {
		t.Errorf("destination holds %v", got)
	}
}

// TestWatchJobBusyIsSkipped: a watch job that runs while a real
// `cakebackup watch` ships from the same folder does nothing, and that is
// no failure: its state and schedule status say "skipped" and why, the
// pass exits 0 and no failure hook runs. Run with --now, it says in one
// line why it did not run.
func TestWatchJobBusyIsSkipped(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	in := t.TempDir()
	hooked := filepath.Join(t.TempDir(), "hooked")
	s.mustRun("schedule", "add", "exports", "--watch", in, "--dest", "folder:"+s.dest, "--every", "1h", "--on-failure", "touch '"+hooked+"'")

	watch := exec.Command(programPath(t), "watch", in, "--dest", "folder:"+t.TempDir())
	for k, v := range s.vars {
		watch.Env = append(watch.Env, k+"="+v)
	}
	stderr, err := watch.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		watch.Process.Kill()
		watch.Wait()
	})
	// It says it is watching once it holds the folder.
	if line, err := bufio.NewReader(stderr).ReadString('\n'); err != nil || !strings.HasPrefix(line, "Watching") {
		t.Fatalf("watch said %q (%v)", line, err)
	}
	go io.Copy(io.Discard, stderr)

	const why = "another cakebackup process is shipping from this folder"
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"schedule", "run", "--once"}, exitOK},
		{[]string{"schedule", "run", "--now", "exports"}, exitFailure},
	} {
		code := s.run(tc.args...)
		log := s.stderr.String()
		if code != tc.code || !strings.Contains(log, "result=skipped") || strings.Contains(log, "level=ERROR") {
			t.Fatalf("%v: exit %d, want %d; stderr %s", tc.args, code, tc.code, log)
		}
		lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
		if last := lines[len(lines)-1]; tc.code != exitOK && (!strings.HasPrefix(last, "cakebackup: job exports: "+why) || strings.Contains(last, "failed")) {
			t.Errorf("%v: last line %q, want why the job did not run", tc.args, last)
		}
		js, err := s.state(t).Job("exports")
		if err != nil || js.LastResult != schedule.ResultSkipped || !strings.Contains(js.LastError, why) || strings.Contains(js.LastError, "\n") {
			t.Fatalf("%v: state %+v (%v)", tc.args, js, err)
		}
		s.pretendLastRunWas(t, "exports", 2*time.Hour)
	}
	out := s.mustRun("schedule", "status")
	if !strings.Contains(out, "skipped") || !strings.Contains(out, why) || strings.Contains(out, "SKIPPED") {
		t.Errorf("status:\n%s", out)
	}
	if _, err := os.Stat(hooked); err == nil {
		t.Error("the on_failure hook ran for a skipped run")
	}
}

// TestScheduleForApp: a job's --for-app, in any case, is kept in the
// app's spelling as for_app, shown by schedule list, and names the app in
// its backups' README.txt as create --for-app does. An unknown app, or
// one for a watch job, is refused when the job is added and when the
// config is read: exit 2, one line.
func TestScheduleForApp(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "--for-app", "monero.COM", "mobile")
	raw, err := os.ReadFile(s.config)
	if err != nil || !strings.Contains(string(raw), `for_app = "Monero.com"`) {
		t.Fatalf("config (%v):\n%s", err, raw)
	}
	if out := s.mustRun("schedule", "list"); !strings.Contains(out, "(for Monero.com)") {
		t.Errorf("list:\n%s", out)
	}
	var listed struct {
		Jobs []struct {
			ForApp string `json:"for_app"`
		} `json:"jobs"`
	}
	if err := json.Unmarshal([]byte(s.mustRun("schedule", "list", "--json")), &listed); err != nil || len(listed.Jobs) != 1 || listed.Jobs[0].ForApp != "Monero.com" {
		t.Errorf("list --json: %+v (%v)", listed, err)
	}
	s.mustRun("schedule", "run", "--now", "mobile")
	s.onlyBackupIsFor(t, "Monero.com")

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"schedule", "add", "--source", sampleWallets, "--dest", "folder:" + s.dest, "--every", "24h", "--password-file", s.pw, "--for-app", "Mycelium", "other"},
			`for_app: unknown app "Mycelium"`},
		{[]string{"schedule", "add", "--watch", t.TempDir(), "--dest", "folder:" + s.dest, "--every", "1h", "--for-app", "Monero.com", "exports"},
			"for_app: a watch job ships the app's exports unchanged"},
	} {
		wantOneLine(t, s.run(tt.args...), s.stderr.String(), exitUsage, tt.want)
	}
	if err := os.WriteFile(s.config, []byte(strings.Replace(string(raw), `"Monero.com"`, `"Mycelium"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"schedule", "list"}, {"schedule", "run", "--now", "mobile"}} {
		if code := s.run(args...); code != exitUsage || strings.Count(s.stderr.String(), "\n") != 1 ||
			!strings.Contains(s.stderr.String(), "config.toml:") || !strings.Contains(s.stderr.String(), `for_app: unknown app "Mycelium"`) {
			t.Errorf("%v with for_app = Mycelium: exit %d, stderr %q", args, code, s.stderr.String())
		}
	}
}

// TestOneJobArgNamesTheCommand: a command that takes one JOB name and got
// none or two names itself by its whole path, as the person typed it.
func TestOneJobArgNamesTheCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"notify", "test"}, "notify test takes one JOB name"},
		{[]string{"schedule", "add", "--source", sampleWallets, "--every", "1h", "--password-env", "X"}, "schedule add takes one JOB name"},
		{[]string{"schedule", "remove", "a", "b"}, "schedule remove takes one JOB name"},
		{[]string{"schedule", "set-password"}, "schedule set-password takes one JOB name"},
		{[]string{"schedule", "prune"}, "schedule prune takes one JOB name"},
		{[]string{"schedule", "install"}, "schedule install takes one JOB name"},
		{[]string{"schedule", "uninstall"}, "schedule uninstall takes one JOB name"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:2], " "), func(t *testing.T) {
			t.Parallel()
			s := newScheduleCLI(t)
			if code := s.run(tt.args...); code != exitUsage || s.stderr.String() != "cakebackup: "+tt.want+"\n" {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, s.stderr.String(), exitUsage, tt.want)
			}
		})
	}
}

// onlyBackupIsFor fails the test unless the destination holds one backup,
// made for app (README.txt names it, as inspect --json tells).
func (s *scheduleCLI) onlyBackupIsFor(t *testing.T, app string) {
	t.Helper()
	made := s.backups(t)
	if len(made) != 1 {
		t.Fatalf("destination holds %v", made)
	}
	var info job.Inspection
	if err := json.Unmarshal([]byte(s.mustRun("inspect", filepath.Join(s.dest, made[0]), "--json", "--password-file", s.pw)), &info); err != nil || info.ForApp != app {
		t.Fatalf("inspect: %+v (%v), want a backup for %s", info, err, app)
	}
}

// TestScheduleRunAdHocForApp: an ad hoc schedule run takes --for-app as
// schedule add does: any case, kept in the app's spelling in README.txt;
// an unknown app is refused, and so is --for-app for the config's jobs.
func TestScheduleRunAdHocForApp(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "run", "--once", "--source", sampleWallets, "--dest", "folder:"+s.dest,
		"--every", "1h", "--password-file", s.pw, "--job", "mobile", "--for-app", "monero.COM")
	s.onlyBackupIsFor(t, "Monero.com")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"schedule", "run", "--once", "--source", sampleWallets, "--dest", "folder:" + s.dest, "--every", "1h", "--password-file", s.pw, "--for-app", "Mycelium"},
			`for_app: unknown app "Mycelium"`},
		{[]string{"schedule", "run", "--once", "--for-app", "Monero.com"}, "--for-app is for an ad hoc job"},
		{[]string{"schedule", "run", "--now", "mobile", "--for-app", "Monero.com"}, "--for-app is for an ad hoc job"},
	} {
		wantOneLine(t, s.run(tt.args...), s.stderr.String(), exitUsage, tt.want)
	}
	if got := s.backups(t); len(got) != 1 {
		t.Errorf("a refused run left %v", got)
	}
}

// TestScheduleRemoveUninstallsItsTimer: removing a job removes the timer
// schedule install wrote for it from this config (else the timer would
// start a job that is gone, and fail, every tick), says so when there is
// none, and leaves one that runs a job of that name from another config.
func TestScheduleRemoveUninstallsItsTimer(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("systemd units")
	}
	tests := []struct {
		name      string
		install   bool
		otherUnit bool // a unit for the same name, from another config
		want      string
		unitsLeft bool
	}{
		{name: "installed", install: true, want: "systemctl --user stop cakebackup-nightly.timer"},
		{name: "not installed", want: "No timer was installed for it."},
		{name: "another config's", otherUnit: true, want: "from another config file", unitsLeft: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScheduleCLI(t)
			s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "nightly")
			unitDir := filepath.Join(s.vars["XDG_CONFIG_HOME"], "systemd", "user")
			service := filepath.Join(unitDir, "cakebackup-nightly.service")
			timer := filepath.Join(unitDir, "cakebackup-nightly.timer")
			if tt.install {
				s.executable = installedProgram(t)
				s.mustRun("schedule", "install", "nightly")
			}
			if tt.otherUnit {
				svc, tmr, err := schedule.SystemdUnits(schedule.UnitTarget{Executable: "/usr/bin/cakebackup", Config: "/srv/other.toml", Job: schedule.Job{Name: "nightly", Every: "24h"}})
				if err != nil {
					t.Fatal(err)
				}
				os.MkdirAll(unitDir, 0o700)
				for f, content := range map[string]string{service: svc, timer: tmr} {
					if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			out := s.mustRun("schedule", "remove", "nightly")
			if !strings.Contains(out, tt.want) || strings.Contains(out, "If you installed") {
				t.Errorf("remove said:\n%s\nwant %q", out, tt.want)
			}
			for _, f := range []string{service, timer} {
				_, err := os.Stat(f)
				if left := err == nil; left != tt.unitsLeft && (tt.install || tt.otherUnit) {
					t.Errorf("%s left: %v, want %v", f, left, tt.unitsLeft)
				}
			}
		})
	}
}

// TestScheduleAddRefusesOneFolderTwice: a job whose two destinations are
// one folder (the second a symbolic link to the first) would fail every
// run; schedule add refuses it (exit 2) and saves nothing.
func TestScheduleAddRefusesOneFolderTwice(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	dir := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "config.toml")
	code := c.run("schedule", "add", "--config", cfg, "--source", sampleWallets, "--dest", "folder:"+dir, "--dest", "folder:"+link,
		"--every", "24h", "--password-file", pwFile, "twice")
	if code != exitUsage || !strings.Contains(c.stderr.String(), "are one folder, reached two ways") {
		t.Errorf("exit %d, stderr %q; want %d and the two destinations named as one folder", code, c.stderr.String(), exitUsage)
	}
	if _, err := os.Stat(cfg); !os.IsNotExist(err) {
		t.Errorf("config written after the refusal: %v", err)
	}
}

// TestScheduleInstallTwoConfigs: a job installed from config B runs B
// (its unit names B's file, and the commands printed name --config B);
// installing a job of the same name from the default config refuses, on
// one line with exit 2, to replace B's timer, and leaves it as it was.
func TestScheduleInstallTwoConfigs(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("systemd units")
	}
	s := newScheduleCLI(t)
	s.executable = installedProgram(t)
	b := filepath.Join(t.TempDir(), "b config.toml")
	out := s.mustRun("schedule", "add", "--config", b, "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "nightly")
	if want := "cakebackup schedule install --config '" + b + "' nightly"; !strings.Contains(out, want) {
		t.Errorf("add said:\n%s\nwant %q", out, want)
	}
	out = s.mustRun("schedule", "install", "--config", b, "nightly")
	if want := "cakebackup schedule status --config '" + b + "'"; !strings.Contains(out, want) {
		t.Errorf("install said:\n%s\nwant %q", out, want)
	}
	service := filepath.Join(s.vars["XDG_CONFIG_HOME"], "systemd", "user", "cakebackup-nightly.service")
	before, err := os.ReadFile(service)
	if err != nil {
		t.Fatal(err)
	}
	if want := `schedule run --config "` + b + `" --job nightly --once`; !strings.Contains(string(before), want) {
		t.Fatalf("service does not run B's job (%q):\n%s", want, before)
	}
	// Installing it again from B replaces B's own timer.
	s.mustRun("schedule", "install", "--config", b, "nightly")

	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "1h", "--password-file", s.pw, "nightly")
	wantOneLine(t, s.run("schedule", "install", "nightly"), s.stderr.String(), exitUsage, "from another config file; not replacing it")
	if after, err := os.ReadFile(service); err != nil || string(after) != string(before) {
		t.Fatalf("B's service changed: %v\n%s", err, after)
	}
}

// TestScheduleInstallWithoutSystemd: on a Linux without systemd, install
// writes no unit (nothing would start it) and prints the crontab line
// that runs the job from its config file; uninstall and remove say to
// remove that line, not to stop a systemd timer.
func TestScheduleInstallWithoutSystemd(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("Linux without systemd")
	}
	s := newScheduleCLI(t)
	s.executable = installedProgram(t)
	s.noSystemd = true
	b := filepath.Join(t.TempDir(), "b.toml")
	s.mustRun("schedule", "add", "--config", b, "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "nightly")
	out := s.mustRun("schedule", "install", "--config", b, "nightly")
	exe, err := s.executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"crontab -e", "*/15 * * * * " + exe + " schedule run --config " + b + " --job nightly --once\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("install said:\n%s\nwant %q", out, want)
		}
	}
	if _, err := os.Stat(filepath.Join(s.vars["XDG_CONFIG_HOME"], "systemd")); !os.IsNotExist(err) {
		t.Errorf("install wrote systemd units without systemd: %v", err)
	}
	const crontabWord = "If you added a crontab line for it (schedule install's), remove it: crontab -e\n"
	if out := s.mustRun("schedule", "uninstall", "nightly"); out != crontabWord {
		t.Errorf("uninstall said:\n%s\nwant:\n%s", out, crontabWord)
	}
	out = s.mustRun("schedule", "remove", "--config", b, "nightly")
	if !strings.Contains(out, "crontab -e") {
		t.Errorf("remove said:\n%s\nwant a word about the crontab line", out)
	}
}

// TestScheduleInstallKeyringJobWarning: a job whose password is in the OS
// keyring is installed with a warning that says when the runs of what
// starts it may not reach the keyring, and what to do: cron's runs (no
// login session, no D-Bus), a systemd user timer's runs while the user is
// not logged in (lingering). A job with a password file gets none.
func TestScheduleInstallKeyringJobWarning(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("cron and systemd user timers are Linux's")
	}
	for _, timer := range []struct {
		name      string
		noSystemd bool
		installed string // what stdout says of the timer
	}{
		{"cron", true, "crontab -e"},
		{"systemd", false, "systemctl --user"},
	} {
		t.Run(timer.name, func(t *testing.T) {
			t.Parallel()
			s := newScheduleCLI(t)
			s.executable = installedProgram(t)
			s.noSystemd = timer.noSystemd
			s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-keyring", "kr")
			s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "pf")
			warnings := map[string]string{
				"cron":    "warning: job kr reads its password from the OS keyring, which a run started by cron usually cannot reach (no login session, no D-Bus): put the password in a file (mode 0600) and set password_file = \"FILE\" in place of password_keyring = true in " + s.config + "\n",
				"systemd": "warning: job kr reads its password from the OS keyring, which is usually unlocked when you log in: a run of its systemd timer while you are not logged in (possible with loginctl enable-linger) may not be able to read it; put the password in a file (mode 0600) and set password_file = \"FILE\" in place of password_keyring = true in " + s.config + "\n",
			}
			for _, tt := range []struct {
				job  string
				want string // "": no warning
			}{
				{"kr", warnings[timer.name]},
				{"pf", ""},
			} {
				out := s.mustRun("schedule", "install", tt.job)
				if !strings.Contains(out, timer.installed) {
					t.Errorf("install %s said:\n%s\nwant %q", tt.job, out, timer.installed)
				}
				// The warning is the first line; whether the keyring
				// can be reached now is told after it, and depends on
				// the machine.
				got := s.stderr.String()
				if first, _, _ := strings.Cut(got, "\n"); tt.want == "" && got != "" || tt.want != "" && first+"\n" != tt.want {
					t.Errorf("install %s: stderr %q, want %q first", tt.job, got, tt.want)
				}
			}
		})
	}
}

// TestScheduleRunDamagedState: a state file that is not JSON is moved
// aside with a warning, and the run goes on from a fresh state: it makes
// its backup, and the backups made before are all still there.
func TestScheduleRunDamagedState(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "--keep-last", "2", "nightly")
	s.mustRun("schedule", "run", "--once")
	first := s.backups(t)
	state := s.state(t).Path
	if err := os.WriteFile(state, []byte(`{"jobs": {"nightly": {"last_start": "yester`), 0o600); err != nil {
		t.Fatal(err)
	}
	nextSecond() // backup names have one-second resolution
	s.mustRun("schedule", "run", "--once")
	if log := s.stderr.String(); !strings.Contains(log, "state file was damaged") || !strings.Contains(log, state+".damaged-") {
		t.Errorf("no warning naming the damaged file: %s", log)
	}
	aside, _ := filepath.Glob(state + ".damaged-*")
	if len(aside) != 1 {
		t.Fatalf("moved aside: %v", aside)
	}
	got := s.backups(t)
	if len(first) != 1 || len(got) != 2 || !slices.Contains(got, first[0]) {
		t.Fatalf("folder = %v, before %v; want the old backup and a new one", got, first)
	}
	if js, err := s.state(t).Job("nightly"); err != nil || js.LastResult != schedule.ResultOK {
		t.Fatalf("state after the run: %+v, %v", js, err)
	}
	if out := s.mustRun("schedule", "status"); !strings.Contains(out, "nightly") || !strings.Contains(out, "ok") {
		t.Errorf("status:\n%s", out)
	}
}

// TestScheduleTwoConfigsKeepTheirState: jobs of one name in two config
// files each keep their own last run: each one's status shows its own
// backup, and a run of one does not make the other look run.
func TestScheduleTwoConfigsKeepTheirState(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	b, bDest := filepath.Join(t.TempDir(), "b.toml"), t.TempDir()
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "nightly")
	s.mustRun("schedule", "add", "--config", b, "--source", sampleWallets, "--dest", "folder:"+bDest, "--every", "24h", "--password-file", s.pw, "nightly")
	s.mustRun("schedule", "run", "--once", "--config", b)
	if out := s.mustRun("schedule", "status", "--config", b); !strings.Contains(out, bDest) {
		t.Fatalf("B's status does not show B's backup:\n%s", out)
	}
	// The default config's job has not run: it is due, and runs.
	if out := s.mustRun("schedule", "status"); strings.Contains(out, bDest) || !strings.Contains(out, "never") {
		t.Fatalf("the default config's status shows B's run:\n%s", out)
	}
	s.mustRun("schedule", "run", "--once")
	if got := s.backups(t); len(got) != 1 {
		t.Fatalf("the default config's job did not run: %v", got)
	}
	for _, tt := range []struct{ config, dest, other string }{{b, bDest, s.dest}, {s.config, s.dest, bDest}} {
		out := s.mustRun("schedule", "status", "--config", tt.config)
		if !strings.Contains(out, tt.dest) || strings.Contains(out, tt.other) {
			t.Errorf("status of %s:\n%s\nwant its own backup in %s", tt.config, out, tt.dest)
		}
	}
}

// TestScheduleOtherConfigsRunsMigrate: the last runs a config other than
// the default one recorded in the shared state.json, before it had a
// state file of its own, are its runs after the upgrade: its status shows
// them, and its job is not run again before it is due.
func TestScheduleOtherConfigsRunsMigrate(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	b := filepath.Join(t.TempDir(), "b.toml")
	s.mustRun("schedule", "add", "--config", b, "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "weekly")
	s.mustRun("schedule", "run", "--once", "--config", b)
	// Its state file back where the version before kept it.
	paths, err := schedule.DefaultPaths(s.getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(paths.ForConfig(b).State, paths.State); err != nil {
		t.Fatal(err)
	}
	made := s.backups(t)
	if out := s.mustRun("schedule", "status", "--config", b); !strings.Contains(out, made[0]) || strings.Contains(out, "never") {
		t.Fatalf("status after the upgrade:\n%s\nwant the run that made %s", out, made[0])
	}
	s.mustRun("schedule", "run", "--once", "--config", b)
	if got := s.backups(t); len(got) != 1 {
		t.Fatalf("the job ran again before it was due: %v", got)
	}
	if js, err := s.state(t).Job("weekly"); err != nil || !js.LastStart.IsZero() {
		t.Errorf("state.json still holds the other config's run: %+v, %v", js, err)
	}
}

// TestScheduleJobBusy: a job another process holds the lock of is not run
// or pruned; the one line names the job, the lock file and what to do.
func TestScheduleJobBusy(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "--keep-last", "1", "nightly")
	paths, err := schedule.DefaultPaths(s.getenv)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := schedule.LockJob(paths.Locks, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	for _, args := range [][]string{{"schedule", "run", "--now", "nightly"}, {"schedule", "prune", "nightly"}} {
		code := s.run(args...)
		wantOneLine(t, code, s.stderr.String(), exitFailure, "job nightly is busy")
		for _, want := range []string{filepath.Join(paths.Locks, "nightly.lock"), "wait for it to end and try again"} {
			if !strings.Contains(s.stderr.String(), want) {
				t.Errorf("%v: %q lacks %q", args, s.stderr.String(), want)
			}
		}
	}
	if got := s.backups(t); len(got) != 0 {
		t.Errorf("a busy job ran: %v", got)
	}
	// A job of another config file: the command to see it names the file.
	b := filepath.Join(t.TempDir(), "b.toml")
	s.mustRun("schedule", "add", "--config", b, "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "--keep-last", "1", "nightly")
	for _, args := range [][]string{{"schedule", "run", "--config", b, "--now", "nightly"}, {"schedule", "prune", "--config", b, "nightly"}} {
		code := s.run(args...)
		wantOneLine(t, code, s.stderr.String(), exitFailure, "job nightly is busy")
		if want := "(`cakebackup schedule status --config " + b + "` shows its last run)"; !strings.Contains(s.stderr.String(), want) {
			t.Errorf("%v: %q lacks %q", args, s.stderr.String(), want)
		}
	}
}

// TestScheduleRunLogsLeftoversRemoved: the temporary file a killed run
// left at the destination is removed by the next scheduled run, whose
// log says so, with the job, the destination and how much.
func TestScheduleRunLogsLeftoversRemoved(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	leftover := filepath.Join(s.dest, ".cake_wallet_backup_nightly_2026-01-01_000000.cakebackup-tmp-4242-0123456789ab")
	if err := os.WriteFile(leftover, make([]byte, 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(leftover, old, old); err != nil {
		t.Fatal(err)
	}
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "nightly")
	s.mustRun("schedule", "run", "--once")
	log := s.stderr.String()
	for _, want := range []string{`msg="removed leftovers of interrupted runs" job=nightly dest=folder:` + s.dest + " files=1 bytes=3000"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("the leftover is still there: %v", err)
	}
}
