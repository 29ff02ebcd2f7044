package schedule

import (
	"strings"
	"testing"
	"time"
)

// TestConfigWriteJobs: schedule list's whole text: the default
// destination, when there is one, and the jobs' table, or that there are
// none and the command that adds one.
func TestConfigWriteJobs(t *testing.T) {
	jobs := []Job{
		{Name: "daily", Every: "24h", Source: "/home/u/cake", Dest: "usb:W", PasswordFile: "/home/u/pw", Retention: Retention{KeepLast: 3, KeepDaily: 7}},
		{Name: "exports", Cron: "30 2 * * *", Watch: "/home/u/Downloads", Dests: []string{"downloads", "proton:/B"}, PasswordKeyring: true},
		{Name: "d", Every: "1h", Source: "/s"},
	}
	tests := []struct {
		name string
		c    Config
		want string
	}{
		{"empty", Config{}, "No scheduled jobs (add one with: ADD)\n"},
		{"a default, no jobs", Config{DefaultDest: "proton:/B"}, "Default destination: proton:/B\nNo scheduled jobs (add one with: ADD)\n"},
		{"jobs", Config{DefaultDest: "downloads", Jobs: jobs},
			"Default destination: downloads\n" +
				"JOB      WHEN             SOURCE                   DEST                 PASSWORD         KEEP\n" +
				"daily    every 24h        /home/u/cake             usb:W                file /home/u/pw  last 3, daily 7\n" +
				"exports  cron 30 2 * * *  watch /home/u/Downloads  downloads proton:/B  keyring          all\n" +
				"d        every 1h         /s                       downloads            none             all\n"},
		{"jobs, no default", Config{Jobs: jobs[2:]},
			"JOB  WHEN      SOURCE  DEST  PASSWORD  KEEP\n" +
				"d    every 1h  /s            none      all\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := tc.c.WriteJobs(&out, "ADD"); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%q\nwant\n%q", out.String(), tc.want)
			}
		})
	}
}

// TestStatusWriteText: schedule status's whole text: the table, then a line
// per damaged backup; or that there are no jobs.
func TestStatusWriteText(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.Local)
	ok := JobStatus{Job: "daily", Next: now.Add(12 * time.Hour), Last: JobState{
		LastStart: now.Add(-12 * time.Hour), LastResult: ResultOK, LastSuccess: now.Add(-12 * time.Hour),
		LastBackup: "/media/usb/b1", LastSize: 2 << 20}}
	failing := JobStatus{Job: "cloud", Failing: true, Last: JobState{
		LastStart: now.Add(-time.Hour), LastResult: ResultFailed, LastError: "no room left"},
		Failed: []FailedBackup{{Dest: "proton:/B", Verified: Verified{Name: "b0", Error: "chunk 2:\nbad checksum", At: now.Add(-2 * time.Hour)}}}}
	never := JobStatus{Job: "new", Next: now.Add(time.Hour)}
	tests := []struct {
		name string
		rows []JobStatus
		want string
	}{
		{"no jobs", nil, "No scheduled jobs.\n"},
		{"jobs", []JobStatus{failing, ok, never},
			"JOB    LAST RUN          RESULT  NEXT RUN          DETAIL\n" +
				"cloud  2026-12-03 11:00  FAILED  now               no room left\n" +
				"daily  2026-12-03 00:00  ok      2026-12-04 00:00  /media/usb/b1 (2.0 MiB)\n" +
				"new    never             -       2026-12-03 13:00  \n" +
				"DAMAGED backup of job cloud at proton:/B: b0 (chunk 2: bad checksum, checked 2026-12-03 10:00); retention keeps it but never counts it as good\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := (Statuses{Jobs: tc.rows, At: now}).WriteText(&out); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%q\nwant\n%q", out.String(), tc.want)
			}
		})
	}
}

// TestDestChoiceWriteSaved: pick's whole lines of a choice saved as the
// default, as a job's (with what it replaced when that was another), or
// both.
func TestDestChoiceWriteSaved(t *testing.T) {
	tests := []struct {
		name     string
		d        DestChoice
		replaced []string
		want     string
	}{
		{"nothing saved", DestChoice{}, nil, ""},
		{"default", DestChoice{Default: true}, nil, "Saved usb:W as the default destination in /c.toml\n"},
		{"a job that used the default", DestChoice{Job: "daily"}, nil, "Saved usb:W as the destination of job \"daily\" in /c.toml\n"},
		{"a job's others", DestChoice{Job: "daily"}, []string{"downloads", "proton:/B"},
			"Saved usb:W as the destination of job \"daily\" in /c.toml (it was: downloads proton:/B)\n"},
		{"a job's same one", DestChoice{Job: "daily"}, []string{"usb:W"}, "Saved usb:W as the destination of job \"daily\" in /c.toml\n"},
		{"both", DestChoice{Default: true, Job: "d"}, []string{"downloads"},
			"Saved usb:W as the default destination in /c.toml\n" +
				"Saved usb:W as the destination of job \"d\" in /c.toml (it was: downloads)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := tc.d.WriteSaved(&out, "/c.toml", "usb:W", tc.replaced); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%q\nwant\n%q", out.String(), tc.want)
			}
		})
	}
}

// TestWriteNotDue: a single pass's whole text of the jobs it leaves: one
// line each, in order, with when it is due (local time) and the command
// that runs it now; nothing for none.
func TestWriteNotDue(t *testing.T) {
	next := time.Date(2026, 12, 4, 2, 30, 0, 0, time.Local)
	runNow := func(job string) string { return "run --now " + job }
	tests := []struct {
		name    string
		waiting []Waiting
		want    string
	}{
		{"none", nil, ""},
		{"two", []Waiting{{Job: "nightly", Next: next}, {Job: "weekly", Next: time.Date(2026, 12, 6, 3, 30, 0, 0, time.Local).UTC()}},
			"job nightly is not due until 2026-12-04 02:30 (to run it now: run --now nightly)\n" +
				"job weekly is not due until 2026-12-06 03:30 (to run it now: run --now weekly)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteNotDue(&b, tt.waiting, runNow); err != nil || b.String() != tt.want {
				t.Errorf("WriteNotDue: %v\n%s\nwant:\n%s", err, b.String(), tt.want)
			}
		})
	}
}

// TestJobWriteStoredInKeyring: set-password's whole text for a job that
// reads its password from the keyring, and for one that reads it from
// elsewhere (what to change in the config file).
func TestJobWriteStoredInKeyring(t *testing.T) {
	const stored = "Stored the password of job n in the OS keyring.\n"
	for _, tt := range []struct {
		name string
		job  Job
		want string
	}{
		{"keyring", Job{Name: "n", PasswordKeyring: true}, stored},
		{"file", Job{Name: "n", PasswordFile: "/pw"}, stored +
			"Note: job n reads its password from file /pw; set password_keyring = true (and remove the other source) in /c.toml to use this one.\n"},
		{"environment", Job{Name: "n", PasswordEnv: "PW"}, stored +
			"Note: job n reads its password from env $PW; set password_keyring = true (and remove the other source) in /c.toml to use this one.\n"},
	} {
		var b strings.Builder
		if err := tt.job.WriteStoredInKeyring(&b, "/c.toml"); err != nil || b.String() != tt.want {
			t.Errorf("%s: %v\n%s\nwant:\n%s", tt.name, err, b.String(), tt.want)
		}
	}
}

// TestJobWriteAdded: add's whole text, with the command that stores the
// password only for a job that reads it from the keyring.
func TestJobWriteAdded(t *testing.T) {
	for _, tt := range []struct {
		name string
		job  Job
		want string
	}{
		{"keyring", Job{Name: "n", PasswordKeyring: true},
			"Added job n to /c.toml\nStore its password with: SET n\nStart it from a timer with: INSTALL n\n"},
		{"file", Job{Name: "n", PasswordFile: "/pw"}, "Added job n to /c.toml\nStart it from a timer with: INSTALL n\n"},
	} {
		var b strings.Builder
		if err := tt.job.WriteAdded(&b, "/c.toml", "SET n", "INSTALL n"); err != nil || b.String() != tt.want {
			t.Errorf("%s: %v\n%s\nwant:\n%s", tt.name, err, b.String(), tt.want)
		}
	}
}
