package schedule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallTimerWarnings: a job that reads its password from the OS
// keyring is installed with the warning of what starts it (cron's runs
// have no login session; a systemd user timer's may run while nobody is
// logged in), naming the config file to change; other jobs, and launchd's
// agents, get none.
func TestInstallTimerWarnings(t *testing.T) {
	const fix = `put the password in a file (mode 0600) and set password_file = "FILE" in place of password_keyring = true in /srv/a.toml`
	tests := []struct {
		name string
		goos string
		cron bool
		job  Job
		want []string
	}{
		{"cron, keyring", "linux", true, Job{Name: "kr", Every: "24h", PasswordKeyring: true},
			[]string{"job kr reads its password from the OS keyring, which a run started by cron usually cannot reach (no login session, no D-Bus): " + fix}},
		{"systemd, keyring", "linux", false, Job{Name: "kr", Every: "24h", PasswordKeyring: true},
			[]string{"job kr reads its password from the OS keyring, which is usually unlocked when you log in: a run of its systemd timer while you are not logged in (possible with loginctl enable-linger) may not be able to read it; " + fix}},
		{"launchd, keyring", "darwin", false, Job{Name: "kr", Every: "24h", PasswordKeyring: true}, nil},
		{"cron, file", "linux", true, Job{Name: "pf", Every: "24h", PasswordFile: "/srv/pw"}, nil},
		{"systemd, file", "linux", false, Job{Name: "pf", Every: "24h", PasswordFile: "/srv/pw"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			getenv := func(k string) string {
				return map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}[k]
			}
			inst, err := InstallTimer(tt.goos, getenv, UnitTarget{Executable: "/usr/bin/cakebackup", Config: "/srv/a.toml", Job: tt.job}, tt.cron)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(inst.Warnings, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("warnings %q, want %q", inst.Warnings, tt.want)
			}
		})
	}
}

// TestTimerInstallWriteText: schedule install's whole text of a timer
// written, of a crontab line, and of a job that reads its password from
// the environment.
func TestTimerInstallWriteText(t *testing.T) {
	systemd := Installed{
		Files: []string{"/u/cakebackup-n.service", "/u/cakebackup-n.timer"},
		Next:  "systemctl --user daemon-reload && systemctl --user enable --now cakebackup-n.timer\n(to run while you are logged out: loginctl enable-linger)",
	}
	tests := []struct {
		name string
		t    TimerInstall
		want string
	}{
		{"systemd", TimerInstall{Job: Job{Name: "n"}, Installed: systemd},
			"Wrote /u/cakebackup-n.service\nWrote /u/cakebackup-n.timer\nTo enable it, run:\n" +
				"  systemctl --user daemon-reload && systemctl --user enable --now cakebackup-n.timer\n" +
				"  (to run while you are logged out: loginctl enable-linger)\n" +
				"Its runs show in: STATUS\n"},
		{"windows", TimerInstall{Job: Job{Name: "n"}, Installed: Installed{Next: `schtasks /Create /F /TN "cakebackup n"`, Unseen: true}},
			"To enable it, run:\n  schtasks /Create /F /TN \"cakebackup n\"\nIts runs show in: STATUS\n"},
		{"cron", TimerInstall{Job: Job{Name: "n"}, Crontab: "*/15 * * * * /bin/cakebackup schedule run --job n --once"},
			"systemd does not run here, so no timer was written. To start the job from cron, add this line to your crontab (crontab -e):\n" +
				"  */15 * * * * /bin/cakebackup schedule run --job n --once\nIts runs show in: STATUS\n"},
		{"password from the environment", TimerInstall{Job: Job{Name: "n", PasswordEnv: "PW"}, Installed: Installed{Files: systemd.Files[:1], Next: "go"}},
			"Wrote /u/cakebackup-n.service\nTo enable it, run:\n  go\nIts runs show in: STATUS\n" +
				"Note: the timer must see $PW; a password_file (mode 0600) or the keyring is simpler.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.t.WriteText(&b, "STATUS"); err != nil || b.String() != tt.want {
				t.Errorf("WriteText: %v\n%s\nwant:\n%s", err, b.String(), tt.want)
			}
		})
	}
}

// TestInstalledWriteUninstalled: schedule uninstall's whole text: each
// file removed, or nothing installed (not said where the OS keeps its
// timers unseen), then what to run.
func TestInstalledWriteUninstalled(t *testing.T) {
	tests := []struct {
		name string
		i    Installed
		want string
	}{
		{"removed", Installed{Files: []string{"/u/a.timer", "/u/a.service"}, Next: "systemctl --user stop a.timer"},
			"Removed /u/a.timer\nRemoved /u/a.service\nTo stop what is still loaded, run:\n  systemctl --user stop a.timer\n"},
		{"nothing there", Installed{Next: "systemctl --user stop a.timer"},
			"Nothing installed for job a.\nTo stop what is still loaded, run:\n  systemctl --user stop a.timer\n"},
		{"unseen", Installed{Next: `schtasks /Delete /F /TN "cakebackup a"`, Unseen: true},
			"To stop what is still loaded, run:\n  schtasks /Delete /F /TN \"cakebackup a\"\n"},
		{"cron", Installed{Next: "systemctl --user stop a.timer", Cron: true},
			"If you added a crontab line for it (schedule install's), remove it: crontab -e\n"},
		{"cron, units left from systemd", Installed{Files: []string{"/u/a.timer"}, Next: "systemctl --user stop a.timer", Cron: true},
			"Removed /u/a.timer\nIf you added a crontab line for it (schedule install's), remove it: crontab -e\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.i.WriteUninstalled(&b, "a"); err != nil || b.String() != tt.want {
				t.Errorf("WriteUninstalled: %v\n%s\nwant:\n%s", err, b.String(), tt.want)
			}
		})
	}
}

// TestTimerRemovalWriteText: schedule remove's whole text of the job's
// timer in each state RemoveJobTimer finds it in, and after a failure
// only the files it removed.
func TestTimerRemovalWriteText(t *testing.T) {
	removed := Installed{Files: []string{"/u/a.timer", "/u/a.service"}, Next: "systemctl --user stop a.timer"}
	tests := []struct {
		name string
		r    TimerRemoval
		want string
	}{
		{"removed", TimerRemoval{Job: "a", State: TimerForJob, File: "/u/a.service", Removed: removed},
			"Removed /u/a.timer\nRemoved /u/a.service\nIts timer is uninstalled. To stop what is still loaded, run:\n  systemctl --user stop a.timer\n"},
		{"none", TimerRemoval{Job: "a", State: NoTimer}, "No timer was installed for it.\n"},
		{"none, cron", TimerRemoval{Job: "a", State: NoTimer, Cron: true}, "If you added a crontab line for it (schedule install's), remove it: crontab -e\n"},
		{"unseen", TimerRemoval{Job: "a", State: TimerUnseen}, "If you created a scheduled task for it, delete it: schtasks /Delete /F /TN \"cakebackup a\"\n"},
		{"another config's", TimerRemoval{Job: "a", State: TimerForOther, File: "/u/a.service"},
			"The timer installed as /u/a.service runs a job a from another config file; it was left in place (UNINSTALL removes it).\n"},
		{"failed part way", TimerRemoval{Job: "a", State: TimerForJob, Removed: Installed{Files: removed.Files[:1]}, failed: true}, "Removed /u/a.timer\n"},
		{"failed to look", TimerRemoval{Job: "a", failed: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.r.WriteText(&b, "UNINSTALL"); err != nil || b.String() != tt.want {
				t.Errorf("WriteText: %v\n%s\nwant:\n%s", err, b.String(), tt.want)
			}
		})
	}
}

// TestRemoveJobTimerFailed: a timer that cannot be looked at leaves the
// removal's text empty and says, in its error, that the job was removed
// but whether a timer is installed is unknown.
func TestRemoveJobTimerFailed(t *testing.T) {
	home := t.TempDir()
	unitDir := filepath.Join(home, ".config", "systemd", "user")
	// The service's name is a folder: it cannot be read.
	if err := os.MkdirAll(filepath.Join(unitDir, SystemdUnitName("nightly")+".service"), 0o700); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		return map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}[k]
	}
	r, err := RemoveJobTimer("linux", getenv, "/srv/a.toml", Job{Name: "nightly", Every: "24h"}, false)
	if err == nil || !strings.HasPrefix(err.Error(), "job nightly was removed, but whether a timer for it is installed is unknown: ") {
		t.Fatalf("error %v", err)
	}
	var b strings.Builder
	if err := r.WriteText(&b, "UNINSTALL"); err != nil || b.Len() != 0 {
		t.Errorf("WriteText after the failure: %v, %q", err, b.String())
	}
}

// TestConfigRemoveJob: schedule remove's whole text and its config file:
// the job leaves the file, then its timer is looked for; where timers are
// unknown only the first line is said (and no error: there is no timer
// to remove), and a file that cannot be saved
// says nothing and keeps the job.
func TestConfigRemoveJob(t *testing.T) {
	tests := []struct {
		name    string
		goos    string
		noSave  bool
		wantErr bool
		want    string
		left    []string // the jobs the file holds after
	}{
		{name: "linux", goos: "linux", want: "Removed job a from CONFIG; its backups were not touched.\nNo timer was installed for it.\n", left: []string{"b"}},
		{name: "no timers", goos: "plan9", want: "Removed job a from CONFIG; its backups were not touched.\n", left: []string{"b"}},
		{name: "not saved", goos: "linux", noSave: true, wantErr: true, want: "", left: []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			getenv := func(k string) string {
				return map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}[k]
			}
			path := filepath.Join(t.TempDir(), "config.toml")
			jobs := []Job{{Name: "a", Source: "/d", Every: "1h", PasswordFile: "/pw"}, {Name: "b", Source: "/d", Every: "1h", PasswordFile: "/pw"}}
			if err := (&Config{DefaultDest: "downloads", Jobs: jobs}).Save(path); err != nil {
				t.Fatal(err)
			}
			cfg, err := LoadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			if tt.noSave {
				cfg.File = filepath.Join(path, "sub") // under a file: cannot be written
			}
			removal, err := cfg.RemoveJob(tt.goos, getenv, jobs[0], false)
			if (err != nil) != tt.wantErr {
				t.Errorf("error %v, want one: %v", err, tt.wantErr)
			}
			var b strings.Builder
			if err := removal.WriteText(&b, "UNINSTALL"); err != nil || b.String() != strings.ReplaceAll(tt.want, "CONFIG", path) {
				t.Errorf("WriteText: %v\n%s\nwant:\n%s", err, b.String(), tt.want)
			}
			saved, err := LoadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			var left []string
			for _, j := range saved.Jobs {
				left = append(left, j.Name)
			}
			if strings.Join(left, " ") != strings.Join(tt.left, " ") {
				t.Errorf("the file holds %v, want %v", left, tt.left)
			}
		})
	}
}
