package schedule

import (
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestNextRunAndDue(t *testing.T) {
	every24h := Interval(24 * time.Hour)
	nightly, err := ParseCron("30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	sundays, err := ParseCron("0 4 * * 0")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		timing   Timing
		last     JobState
		now      string
		wantNext string // "" = zero time (due at once)
		wantDue  bool
	}{
		{"never ran is due at once", every24h, JobState{}, "2026-11-25 10:00", "", true},
		{"interval not yet", every24h, JobState{LastStart: mustTime(t, "2026-11-25 03:00"), LastResult: ResultOK}, "2026-11-25 10:00", "2026-11-26 03:00", false},
		{"interval exactly due", every24h, JobState{LastStart: mustTime(t, "2026-11-24 10:00"), LastResult: ResultOK}, "2026-11-25 10:00", "2026-11-25 10:00", true},
		{"interval missed three days: catch up now", every24h, JobState{LastStart: mustTime(t, "2026-11-21 03:00"), LastResult: ResultOK}, "2026-11-25 10:00", "2026-11-22 03:00", true},
		{"cron before slot", nightly, JobState{LastStart: mustTime(t, "2026-11-24 02:30"), LastResult: ResultOK}, "2026-11-25 02:29", "2026-11-25 02:30", false},
		{"cron at slot", nightly, JobState{LastStart: mustTime(t, "2026-11-24 02:30"), LastResult: ResultOK}, "2026-11-25 02:30", "2026-11-25 02:30", true},
		{"cron missed while off: catch up", nightly, JobState{LastStart: mustTime(t, "2026-11-20 02:30"), LastResult: ResultOK}, "2026-11-25 09:00", "2026-11-21 02:30", true},
		{"cron caught up late, next is tomorrow", nightly, JobState{LastStart: mustTime(t, "2026-11-25 09:00"), LastResult: ResultOK}, "2026-11-25 23:00", "2026-11-26 02:30", false},
		{"weekly cron", sundays, JobState{LastStart: mustTime(t, "2026-11-22 04:00"), LastResult: ResultOK}, "2026-11-25 09:00", "2026-11-29 04:00", false},
		{"failure retried after an hour", every24h, JobState{LastStart: mustTime(t, "2026-11-25 03:00"), LastResult: ResultFailed}, "2026-11-25 03:59", "2026-11-25 04:00", false},
		{"failure retried after an hour: due", every24h, JobState{LastStart: mustTime(t, "2026-11-25 03:00"), LastResult: ResultFailed}, "2026-11-25 04:00", "2026-11-25 04:00", true},
		{"aborted retried after an hour", nightly, JobState{LastStart: mustTime(t, "2026-11-25 02:30"), LastResult: ResultAborted}, "2026-11-25 03:00", "2026-11-25 03:30", false},
		{"short interval retried on schedule", Interval(10 * time.Minute), JobState{LastStart: mustTime(t, "2026-11-25 03:00"), LastResult: ResultFailed}, "2026-11-25 03:10", "2026-11-25 03:10", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := NextRun(tt.timing, tt.last)
			var want time.Time
			if tt.wantNext != "" {
				want = mustTime(t, tt.wantNext)
			}
			if !next.Equal(want) {
				t.Errorf("NextRun = %v, want %v", next, want)
			}
			if got := Due(tt.timing, tt.last, mustTime(t, tt.now)); got != tt.wantDue {
				t.Errorf("Due at %s = %v, want %v", tt.now, got, tt.wantDue)
			}
		})
	}
}

func TestJobSchedule(t *testing.T) {
	tests := []struct {
		job     Job
		want    string
		wantErr bool
	}{
		{Job{Every: "24h"}, "every 24h0m0s", false},
		{Job{Every: "90m"}, "every 1h30m0s", false},
		{Job{Cron: "@daily"}, "cron @daily", false},
		{Job{Cron: "*/15 * * * 1-5"}, "cron */15 * * * 1-5", false},
		{Job{Every: "30s"}, "", true},
		{Job{Every: "daily"}, "", true},
		{Job{Cron: "* * *"}, "", true},
		{Job{Cron: "0 25 * * *"}, "", true},
	}
	for _, tt := range tests {
		got, err := tt.job.Schedule()
		if (err != nil) != tt.wantErr {
			t.Errorf("%+v: err = %v, want error %v", tt.job, err, tt.wantErr)
			continue
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("%+v: %s, want %s", tt.job, got, tt.want)
		}
	}
}

func TestBackupNames(t *testing.T) {
	at := time.Date(2026, 11, 25, 1, 2, 3, 0, time.UTC)
	if got := BackupName("nightly", at); got != "cake_wallet_backup_nightly_2026-11-25_010203" {
		t.Fatalf("BackupName = %q", got)
	}
	tests := []struct {
		job, name string
		ok        bool
	}{
		{"nightly", "cake_wallet_backup_nightly_2026-11-25_010203", true},
		{"nightly", "cake_wallet_backup_nightly_2026-11-25_010203-1", true},
		{"nightly", "cake_wallet_backup_nightly_2026-11-25_010203 (2)", true},
		{"nightly", "cake_wallet_backup_nightly_2026-11-25_010203x", false},
		{"nightly", "cake_wallet_backup_2026-11-25_010203", false},
		{"nightly", "cake_wallet_backup_nightly_2_2026-11-25_010203", false},
		{"a", "cake_wallet_backup_a_b_2026-11-25_010203", false},
		{"a", "cake_wallet_backup_a_2026-13-25_010203", false},
		{"a", "cake_wallet_backup_a_2026-11-25", false},
		{"a", "my_notes.txt", false},
	}
	for _, tt := range tests {
		got, ok := ParseBackupName(tt.job, tt.name, time.UTC)
		if ok != tt.ok {
			t.Errorf("ParseBackupName(%q, %q) ok = %v, want %v", tt.job, tt.name, ok, tt.ok)
		}
		if ok && !got.Equal(at) {
			t.Errorf("ParseBackupName(%q) time = %v, want %v", tt.name, got, at)
		}
	}
}
