package schedule

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestWatchJobs: a watch job has a folder instead of a source, needs no
// password and round-trips through the config file; mixed or relative
// settings are refused with the field named (the one given).
func TestWatchJobs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	c := &Config{Jobs: []Job{
		{Name: "exports", Watch: "/home/ana/Downloads", Dests: []string{"usb:CAKE", "proton:/Backups/Cake"}, Every: "15m",
			RemoveAfterSend: true, Retention: Retention{KeepLast: 5}},
		{Name: "dl", Watch: WatchDownloads, Dest: "usb", Every: "1h", PasswordFile: "/etc/pw"},
	}}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if j, _ := got.Job("exports"); j.Watch != "/home/ana/Downloads" || !j.RemoveAfterSend || j.KeepLast != 5 || j.HasPasswordSource() {
		t.Fatalf("loaded %+v", j)
	}
	for _, tc := range []struct {
		job  Job
		want string
	}{
		{Job{Name: "j", Watch: "/in", Source: "/data", Dest: "usb", Every: "1h"}, "watch: a watch job"},
		// Settings alone with watch: the message names settings, not a
		// source that was never given.
		{Job{Name: "j", Watch: "/in", Settings: "/prefs.json", Dest: "usb", Every: "1h"}, "settings: a watch job"},
		{Job{Name: "j", Watch: "Downloads", Dest: "usb", Every: "1h"}, "watch: \"Downloads\" is not an absolute path"},
		{Job{Name: "j", Source: "/data", Dest: "usb", Every: "1h", PasswordEnv: "X", RemoveAfterSend: true}, "remove_after_send"},
		{Job{Name: "j", Source: "/data", Dest: "usb", Every: "1h"}, "no password source"},
	} {
		if err := (&Config{}).ValidateJob(tc.job); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.job, err, tc.want)
		}
	}
}
