package schedule

import (
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// standInExecutable makes an executable file for units to point at;
// systemd-analyze verify checks that ExecStart's program exists.
func standInExecutable(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "bin dir", "cakebackup")
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return exe
}

func TestSystemdUnits(t *testing.T) {
	exe := standInExecutable(t)
	analyze, _ := exec.LookPath("systemd-analyze")
	tests := []struct {
		job      Job
		config   string
		calendar string
	}{
		{Job{Name: "nightly", Every: "24h"}, "/home/ana/.config/cakebackup/config.toml", "OnCalendar=*:0/15"},
		{Job{Name: "often", Every: "5m"}, "/etc/cake backup/100%.toml", "OnCalendar=*:0/5"},
		{Job{Name: "odd_interval", Every: "90s"}, "/c.toml", "OnCalendar=*:0/1"},
		{Job{Name: "cron-job", Cron: "30 2 * * *"}, "/srv/$HOME/c.toml", "OnCalendar=*:0/5"},
	}
	for _, tt := range tests {
		t.Run(tt.job.Name, func(t *testing.T) {
			u := UnitTarget{Executable: exe, Config: tt.config, Job: tt.job}
			service, timer, err := SystemdUnits(u)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(timer, tt.calendar+"\n") || !strings.Contains(timer, "Persistent=true\n") ||
				!strings.Contains(timer, "Unit="+SystemdUnitName(tt.job.Name)+".service\n") {
				t.Fatalf("timer:\n%s", timer)
			}
			if !strings.Contains(service, "Type=oneshot\n") || !strings.Contains(service, "--job "+tt.job.Name+" --once\n") {
				t.Fatalf("service:\n%s", service)
			}
			if analyze == "" {
				t.Log("systemd-analyze not installed: units not verified by systemd")
				return
			}
			dir := t.TempDir()
			name := SystemdUnitName(tt.job.Name)
			files := []string{filepath.Join(dir, name+".service"), filepath.Join(dir, name+".timer")}
			os.WriteFile(files[0], []byte(service), 0o644)
			os.WriteFile(files[1], []byte(timer), 0o644)
			out, err := exec.Command(analyze, "verify", files[0], files[1]).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
			}
		})
	}
	if analyze != "" {
		// The check above can fail: a unit whose program is missing does not verify.
		dir := t.TempDir()
		service, _, _ := SystemdUnits(UnitTarget{Executable: filepath.Join(dir, "missing"), Config: "/c.toml", Job: Job{Name: "j", Every: "1h"}})
		f := filepath.Join(dir, "cakebackup-j.service")
		os.WriteFile(f, []byte(service), 0o644)
		if err := exec.Command(analyze, "verify", f).Run(); err == nil {
			t.Fatal("systemd-analyze verify accepted a unit with a missing program")
		}
	}
}

func TestSystemdQuote(t *testing.T) {
	tests := map[string]string{
		"/usr/bin/cakebackup": "/usr/bin/cakebackup",
		"/a b/c":              `"/a b/c"`,
		"100%":                "100%%",
		"$HOME":               "$$HOME",
		`say "hi"`:            `"say \"hi\""`,
		"":                    `""`,
	}
	for in, want := range tests {
		if got := systemdQuote(in); got != want {
			t.Errorf("systemdQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInstallUninstallSystemd(t *testing.T) {
	cfgHome := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": cfgHome, "HOME": "/nonexistent"}[k]
	}
	u := UnitTarget{Executable: standInExecutable(t), Config: "/c.toml", Job: Job{Name: "nightly", Every: "24h"}}
	inst, err := Install("linux", getenv, u)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cfgHome, "systemd", "user")
	want := []string{filepath.Join(dir, "cakebackup-nightly.service"), filepath.Join(dir, "cakebackup-nightly.timer")}
	if !slices.Equal(inst.Files, want) {
		t.Fatalf("files = %v, want %v", inst.Files, want)
	}
	for _, f := range want {
		fi, err := os.Stat(f)
		if err != nil || fi.Mode().Perm() != 0o644 {
			t.Fatalf("%s: %v %v", f, fi, err)
		}
	}
	if !strings.Contains(inst.Next, "systemctl --user enable --now cakebackup-nightly.timer") {
		t.Fatalf("instructions: %q", inst.Next)
	}
	// What `systemctl --user enable` would add.
	wants := filepath.Join(dir, "timers.target.wants", "cakebackup-nightly.timer")
	os.MkdirAll(filepath.Dir(wants), 0o755)
	if err := os.Symlink(want[1], wants); err != nil {
		t.Fatal(err)
	}
	un, err := Uninstall("linux", getenv, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	if len(un.Files) != 3 {
		t.Fatalf("removed %v", un.Files)
	}
	for _, f := range append(want, wants) {
		if _, err := os.Lstat(f); !os.IsNotExist(err) {
			t.Fatalf("%s still there: %v", f, err)
		}
	}
	// Uninstalling again is fine and removes nothing.
	if un, err := Uninstall("linux", getenv, "nightly"); err != nil || len(un.Files) != 0 {
		t.Fatalf("second uninstall: %v %v", un, err)
	}
}

func TestInstallLaunchdAndSchtasks(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string { return map[string]string{"HOME": home}[k] }
	exe := "/Applications/Cake Backup.app/Contents/MacOS/cakebackup"
	u := UnitTarget{Executable: exe, Config: "/Users/ana/<cfg>&.toml", Job: Job{Name: "nightly", Cron: "@daily"}}
	inst, err := Install("darwin", getenv, u)
	if err != nil {
		t.Fatal(err)
	}
	plistPath := filepath.Join(home, "Library", "LaunchAgents", "org.cakebackup.nightly.plist")
	if !slices.Equal(inst.Files, []string{plistPath}) || !strings.Contains(inst.Next, "launchctl bootstrap") {
		t.Fatalf("installed %+v", inst)
	}
	data, err := os.ReadFile(plistPath)
	if err != nil {
		t.Fatal(err)
	}
	// Parse the plist back: the program arguments survive XML escaping.
	var plist struct {
		Dict struct {
			Keys    []string `xml:"key"`
			Strings []string `xml:"string"`
			Array   struct {
				Strings []string `xml:"string"`
			} `xml:"array"`
			Integer int `xml:"integer"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(data, &plist); err != nil {
		t.Fatalf("plist is not XML: %v\n%s", err, data)
	}
	wantArgs := []string{exe, "schedule", "run", "--config", u.Config, "--job", "nightly", "--once"}
	if !slices.Equal(plist.Dict.Array.Strings, wantArgs) {
		t.Fatalf("ProgramArguments = %q, want %q", plist.Dict.Array.Strings, wantArgs)
	}
	if plist.Dict.Strings[0] != "org.cakebackup.nightly" || plist.Dict.Integer != 300 {
		t.Fatalf("label %q interval %d", plist.Dict.Strings[0], plist.Dict.Integer)
	}
	un, err := Uninstall("darwin", getenv, "nightly")
	if err != nil || len(un.Files) != 1 || !strings.Contains(un.Next, "launchctl bootout") {
		t.Fatalf("uninstall: %+v %v", un, err)
	}
	if _, err := os.Stat(plistPath); !os.IsNotExist(err) {
		t.Fatal("plist still there")
	}

	if _, err := LaunchdPlist(UnitTarget{Executable: `C:\cakebackup.exe`, Config: "/c.toml", Job: Job{Name: "n", Every: "1h"}}, "/log"); err == nil {
		t.Fatal("a launchd agent for a Windows path")
	}
	if _, err := Install("linux", getenv, UnitTarget{Executable: "cakebackup", Config: "/c.toml", Job: Job{Name: "n", Every: "1h"}}); err == nil {
		t.Fatal("installed a unit with a relative executable path")
	}
	if _, err := Install("plan9", getenv, u); err == nil {
		t.Fatal("installed on an unsupported OS")
	}
}

// TestSchtasks runs the Windows timer decisions here: the schtasks
// command for Windows paths, quoted as schtasks documents, within the
// length /TR takes.
func TestSchtasks(t *testing.T) {
	tests := []struct {
		name    string
		u       UnitTarget
		want    string
		wantErr string
	}{
		{"spaces quoted", UnitTarget{Executable: `C:\Program Files\cakebackup\cakebackup.exe`, Config: `C:\Users\ana\AppData\Roaming\cakebackup\config.toml`, Job: Job{Name: "nightly", Every: "24h"}},
			`schtasks /Create /F /TN "cakebackup nightly" /SC MINUTE /MO 15 /TR "\"C:\Program Files\cakebackup\cakebackup.exe\" schedule run --config C:\Users\ana\AppData\Roaming\cakebackup\config.toml --job nightly --once"`, ""},
		{"cron ticks every 5 minutes", UnitTarget{Executable: `D:\cb.exe`, Config: `\\nas\home\my cfg.toml`, Job: Job{Name: "c", Cron: "0 3 * * *"}},
			`schtasks /Create /F /TN "cakebackup c" /SC MINUTE /MO 5 /TR "D:\cb.exe schedule run --config \"\\nas\home\my cfg.toml\" --job c --once"`, ""},
		{"unix path", UnitTarget{Executable: "/opt/cake backup/cakebackup", Config: `C:\c.toml`, Job: Job{Name: "n", Every: "24h"}}, "", "absolute"},
		{"drive-relative path", UnitTarget{Executable: `C:cakebackup.exe`, Config: `C:\c.toml`, Job: Job{Name: "n", Every: "24h"}}, "", "absolute"},
		{"too long", UnitTarget{Executable: `C:\` + strings.Repeat("x", 200) + `\cakebackup.exe`, Config: `C:\c.toml`, Job: Job{Name: "n", Every: "24h"}}, "", "more than the 261"},
		{"double quote", UnitTarget{Executable: `C:\cb.exe`, Config: `C:\a"b.toml`, Job: Job{Name: "n", Every: "24h"}}, "", "no double quotes"},
		{"bad job name", UnitTarget{Executable: `C:\cb.exe`, Config: `C:\c.toml`, Job: Job{Name: `a" & del *`, Every: "24h"}}, "", "job"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SchtasksCommand(tt.u)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SchtasksCommand = %q, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("SchtasksCommand =\n%s, %v\nwant\n%s", got, err, tt.want)
			}
		})
	}

	// Install for Windows writes nothing here and prints the command.
	home := t.TempDir()
	getenv := func(k string) string { return map[string]string{"HOME": home}[k] }
	inst, err := Install("windows", getenv, tests[0].u)
	if err != nil || len(inst.Files) != 0 || inst.Next != tests[0].want {
		t.Fatalf("Install(windows) = %+v, %v", inst, err)
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Fatalf("Install(windows) wrote %v", entries)
	}
	un, err := Uninstall("windows", getenv, "nightly")
	if err != nil || len(un.Files) != 0 || un.Next != `schtasks /Delete /F /TN "cakebackup nightly"` {
		t.Fatalf("Uninstall(windows) = %+v, %v", un, err)
	}
}

// TestNoTimers: on an OS without known timers, Install and Uninstall say
// so with a typed error, and write nothing.
func TestNoTimers(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	_, err := Install("plan9", getenv, UnitTarget{Executable: "/bin/cakebackup", Config: "/c.toml", Job: Job{Name: "daily", Every: "24h"}})
	var nt *NoTimersError
	if !errors.As(err, &nt) || nt.GOOS != "plan9" || err.Error() != "timers are not supported on plan9" {
		t.Fatalf("Install on plan9 = %v", err)
	}
	if _, err := Uninstall("plan9", getenv, "daily"); !errors.As(err, &nt) {
		t.Fatalf("Uninstall on plan9 = %v", err)
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Fatalf("wrote %v", entries)
	}
}

// TestFindTimer: FindTimer tells a timer Install wrote for the job from
// this config file from one of the same name from another config file,
// and from none, where the OS keeps its timers in files; Windows' are
// unseen.
func TestFindTimer(t *testing.T) {
	exe := standInExecutable(t)
	job := Job{Name: "nightly", Every: "24h"}
	for _, goos := range []string{"linux", "darwin"} {
		for _, tt := range []struct {
			name      string
			installed string // the config file the installed timer runs, "" for none
			want      TimerState
		}{
			{"none", "", NoTimer},
			{"this config's", "/home/a/c.toml", TimerForJob},
			{"another config's", "/home/a/other.toml", TimerForOther},
		} {
			t.Run(goos+" "+tt.name, func(t *testing.T) {
				home := t.TempDir()
				getenv := func(k string) string { return map[string]string{"HOME": home}[k] }
				if tt.installed != "" {
					if _, err := Install(goos, getenv, UnitTarget{Executable: exe, Config: tt.installed, Job: job}); err != nil {
						t.Fatal(err)
					}
				}
				got, file, err := FindTimer(goos, getenv, "/home/a/c.toml", job)
				if err != nil || got != tt.want || !strings.HasPrefix(file, home) {
					t.Fatalf("FindTimer = %v, %q, %v; want %v and a file under %s", got, file, err, tt.want, home)
				}
			})
		}
	}
	if got, _, err := FindTimer("windows", os.Getenv, "/c.toml", job); err != nil || got != TimerUnseen {
		t.Errorf("windows: %v, %v; want TimerUnseen", got, err)
	}
	var none *NoTimersError
	if _, _, err := FindTimer("plan9", os.Getenv, "/c.toml", job); !errors.As(err, &none) {
		t.Errorf("plan9: %v, want a NoTimersError", err)
	}
}

// TestCrontabLine: the line's schedule is the job's tick, and its command,
// as cron hands it to sh (each \% made %), runs the program with the
// config path and the job exactly, spaces, quotes, $ and % included.
func TestCrontabLine(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	exe := filepath.Join(t.TempDir(), "bin dir", "cake'backup")
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, []byte("#!/bin/sh\nfor a; do printf '%s\\n' \"$a\"; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		job    Job
		config string
		when   string
	}{
		{Job{Name: "nightly", Every: "24h"}, "/home/ana/.config/cakebackup/config.toml", "*/15 * * * *"},
		{Job{Name: "often", Every: "5m"}, "/etc/cake backup/100%.toml", "*/5 * * * *"},
		{Job{Name: "minutely", Every: "90s"}, "/srv/$HOME/it's.toml", "* * * * *"},
		{Job{Name: "cron-job", Cron: "30 2 * * *"}, "/c.toml", "*/5 * * * *"},
	}
	for _, tt := range tests {
		u := UnitTarget{Executable: exe, Config: tt.config, Job: tt.job}
		line, err := CrontabLine(u)
		if err != nil {
			t.Fatal(err)
		}
		cmd, ok := strings.CutPrefix(line, tt.when+" ")
		if !ok {
			t.Errorf("%s: line %q does not start with %q", tt.job.Name, line, tt.when)
			continue
		}
		if strings.Contains(strings.ReplaceAll(cmd, `\%`, ""), "%") {
			t.Errorf("%s: an unescaped %% in %q", tt.job.Name, cmd)
		}
		out, err := exec.Command("sh", "-c", strings.ReplaceAll(cmd, `\%`, "%")).Output()
		if err != nil {
			t.Fatalf("%s: sh -c %q: %v", tt.job.Name, cmd, err)
		}
		want := strings.Join(u.args()[1:], "\n") + "\n"
		if string(out) != want {
			t.Errorf("%s: the command ran with\n%s\nwant\n%s", tt.job.Name, out, want)
		}
	}
	if _, err := CrontabLine(UnitTarget{Executable: "cakebackup", Config: "/c.toml", Job: Job{Name: "j", Every: "1h"}}); err == nil {
		t.Error("a relative executable was accepted")
	}
}

// TestSystemdTimers: systemd's timers are there only when the system was
// booted with systemd and systemctl is found.
func TestSystemdTimers(t *testing.T) {
	booted := t.TempDir()
	notAFolder := filepath.Join(booted, "file")
	if err := os.WriteFile(notAFolder, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	found := func(string) (string, error) { return "/usr/bin/systemctl", nil }
	missing := func(string) (string, error) { return "", exec.ErrNotFound }
	tests := []struct {
		runDir   string
		lookPath func(string) (string, error)
		want     bool
	}{
		{booted, found, true},
		{booted, missing, false},
		{filepath.Join(booted, "absent"), found, false},
		{notAFolder, found, false},
	}
	for i, tt := range tests {
		if got := SystemdTimers(tt.runDir, tt.lookPath); got != tt.want {
			t.Errorf("%d: SystemdTimers(%s) = %v, want %v", i, tt.runDir, got, tt.want)
		}
	}
}

// TestCronOnly: only a Linux without systemd's timers leaves jobs to
// cron.
func TestCronOnly(t *testing.T) {
	yes, no := func() bool { return true }, func() bool { return false }
	for _, tt := range []struct {
		goos    string
		systemd func() bool
		want    bool
	}{
		{"linux", no, true}, {"linux", yes, false}, {"darwin", no, false}, {"windows", nil, false},
	} {
		if got := CronOnly(tt.goos, tt.systemd); got != tt.want {
			t.Errorf("CronOnly(%s, systemd %v) = %v", tt.goos, tt.systemd != nil && tt.systemd(), got)
		}
	}
}
