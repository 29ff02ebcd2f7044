package schedule

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestJobAbsolute(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in, out Job
	}{
		{"relative paths", Job{Source: "data", Settings: "s.json", PasswordFile: "pw", Dest: "folder:out"},
			Job{Source: filepath.Join(wd, "data"), Settings: filepath.Join(wd, "s.json"), PasswordFile: filepath.Join(wd, "pw"), Dest: "folder:" + filepath.Join(wd, "out")}},
		{"absolute paths stay", Job{Source: "/a", Dests: []string{"folder:/b", "usb", "proton:/Backups"}},
			Job{Source: "/a", Dests: []string{"folder:/b", "usb", "proton:/Backups"}}},
		{"several dests", Job{Watch: "in", Dests: []string{"folder:x", "downloads"}},
			Job{Watch: filepath.Join(wd, "in"), Dests: []string{"folder:" + filepath.Join(wd, "x"), "downloads"}}},
		{"downloads is found when the job runs", Job{Watch: WatchDownloads}, Job{Watch: WatchDownloads}},
		{"a spec that does not parse is left to validation", Job{Source: "/a", Dest: "ftp:x"}, Job{Source: "/a", Dest: "ftp:x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Absolute()
			if err != nil || !reflect.DeepEqual(got, tt.out) {
				t.Errorf("Absolute() = %+v, %v; want %+v", got, err, tt.out)
			}
		})
	}
}

func TestJobDescriptions(t *testing.T) {
	tests := []struct {
		job                  Job
		when, what, password string
		keep                 string
	}{
		{Job{Every: "24h", Source: "/d", PasswordFile: "/pw"}, "every 24h", "/d", "file /pw", "all"},
		{Job{Cron: "@daily", Watch: "downloads", Retention: Retention{KeepLast: 3, KeepWeekly: 2}}, "cron @daily", "watch downloads", "none", "last 3, weekly 2"},
		{Job{Every: "1h", Source: "/d", PasswordKeyring: true, Retention: Retention{KeepDaily: 7, KeepMonthly: 1}}, "every 1h", "/d", "keyring", "daily 7, monthly 1"},
		{Job{Every: "1h", Source: "/d", PasswordEnv: "PW"}, "every 1h", "/d", "env $PW", "all"},
		{Job{Every: "1h", Source: "/d", ForApp: "monero.com", PasswordEnv: "PW"}, "every 1h", "/d (for Monero.com)", "env $PW", "all"},
	}
	for _, tt := range tests {
		if got := [4]string{tt.job.When(), tt.job.What(), tt.job.PasswordFrom(), tt.job.KeepSummary()}; got != [4]string{tt.when, tt.what, tt.password, tt.keep} {
			t.Errorf("%+v: got %q", tt.job, got)
		}
	}
}

func TestConfigRemoveAndUsesScheme(t *testing.T) {
	c := &Config{DefaultDest: "proton:/Backups", Jobs: []Job{{Name: "a", Dest: "usb"}, {Name: "b"}}}
	if !c.UsesScheme("proton") || c.UsesScheme("folder") {
		t.Error("UsesScheme: job b stores at the default, proton")
	}
	if !c.Remove("b") || c.Remove("b") || len(c.Jobs) != 1 || c.Jobs[0].Name != "a" {
		t.Errorf("after removing b twice: %+v", c.Jobs)
	}
	if c.UsesScheme("proton") {
		t.Error("no job left stores at proton")
	}
}
