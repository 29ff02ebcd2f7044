package schedule

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAttentionAndDetail(t *testing.T) {
	at := time.Date(2026, 11, 25, 3, 0, 0, 0, time.Local)
	stamp := at.Format(timeLayout)
	failed := []FailedBackup{{Dest: "folder:/b", Verified: Verified{Name: "x", Error: "bad"}}}
	tests := []struct {
		name      string
		rows      []JobStatus
		attention string // "" when none
		detail    string // of the first row
	}{
		{"all well", []JobStatus{{Job: "a", Last: JobState{LastResult: ResultOK, LastBackup: "folder:/b/x", LastSize: 2048}}},
			"", "folder:/b/x (2.0 KiB)"},
		{"never ran", []JobStatus{{Job: "a"}}, "", ""},
		{"watch job that found nothing to ship", []JobStatus{{Job: "w", Watch: true, Last: JobState{LastResult: ResultOK, LastOK: at}}},
			"", "nothing new to ship"},
		{"overdue", []JobStatus{
			{Job: "stale", Overdue: true, Failing: true, WarnAfter: 26 * time.Hour, Last: JobState{LastResult: ResultFailed, LastSuccess: at, LastError: "no space", LastFix: "free some"}},
			{Job: "fine", Last: JobState{LastResult: ResultOK}}},
			"1 of 2 jobs needs attention: stale (overdue)", "no verified backup since " + stamp + " (warn after 26h0m0s); last run: no space; to fix: free some"},
		{"overdue watch job", []JobStatus{{Job: "w", Watch: true, Overdue: true, WarnAfter: time.Hour, Last: JobState{LastResult: ResultOK, LastOK: at}}},
			"1 of 1 job needs attention: w (overdue)", "no run without an error since " + stamp + " (warn after 1h0m0s)"},
		{"failing", []JobStatus{{Job: "f", Failing: true, Last: JobState{LastResult: ResultFailed, LastError: "gone", LastSuccess: at}}},
			"1 of 1 job needs attention: f (failing)", "gone (last success " + stamp + ")"},
		{"stopped by a signal is shown, not reported", []JobStatus{{Job: "s", Failing: true, Last: JobState{LastResult: ResultAborted, LastError: "interrupted"}}},
			"", "interrupted"},
		{"overdue watch job, skipped", []JobStatus{{Job: "w", Watch: true, Overdue: true, WarnAfter: time.Hour, Last: JobState{LastResult: ResultSkipped, LastOK: at, LastError: "busy"}}},
			"1 of 1 job needs attention: w (overdue)", "no run without an error since " + stamp + " (warn after 1h0m0s); last run skipped: busy"},
		{"skipped is shown with why, not reported", []JobStatus{{Job: "w", Watch: true, Last: JobState{LastResult: ResultSkipped, LastError: "another cakebackup process is shipping from this folder"}}},
			"", "another cakebackup process is shipping from this folder"},
		{"damaged backups", []JobStatus{{Job: "d", Failed: failed, Last: JobState{LastResult: ResultOK, LastBackup: "folder:/b/y"}}},
			"1 stored backup failed a check", "folder:/b/y (0 B)"},
		{"both", []JobStatus{{Job: "f", Failing: true, Failed: failed, Last: JobState{LastResult: ResultFailed, LastError: "e"}}},
			"1 of 1 job needs attention: f (failing); 1 stored backup failed a check", "e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Attention(tt.rows)
			if got := ""; err != nil {
				got = err.Error()
				if got != tt.attention {
					t.Errorf("Attention = %q, want %q", got, tt.attention)
				}
			} else if tt.attention != "" {
				t.Errorf("Attention = nil, want %q", tt.attention)
			}
			if got := tt.rows[0].Detail(); got != tt.detail {
				t.Errorf("Detail = %q, want %q", got, tt.detail)
			}
		})
	}
}

func TestJobReport(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	r := JobStatus{Job: "a", WarnAfter: time.Hour, Last: JobState{LastStart: now.Add(-time.Hour), LastResult: ResultOK}}.Report(now)
	if r.Job != "a" || !r.Next.Equal(now) || r.LastStart == nil || r.LastSuccess != nil || r.WarnAfter != 3600 || r.Result != ResultOK {
		t.Errorf("Report = %+v", r)
	}
}

// TestColumns: schedule status's columns for a row: what the last run
// did, or what stands in for it, and when the next run is.
func TestColumns(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.Local)
	at := now.Add(-3 * time.Hour)
	stamp := func(t time.Time) string { return t.Format(timeLayout) }
	tests := []struct {
		name               string
		row                JobStatus
		last, result, next string
	}{
		{"never ran", JobStatus{}, "never", "-", "now"},
		{"ok, next later", JobStatus{Last: JobState{LastStart: at, LastResult: ResultOK}, Next: now.Add(time.Hour)}, stamp(at), "ok", stamp(now.Add(time.Hour))},
		{"failing", JobStatus{Failing: true, Last: JobState{LastStart: at, LastResult: ResultFailed}, Next: now.Add(-time.Minute)}, stamp(at), "FAILED", "now"},
		{"overdue, next long past", JobStatus{Overdue: true, Failing: true, Last: JobState{LastStart: at, LastResult: ResultFailed}, Next: now.Add(-2 * time.Hour)}, stamp(at), "OVERDUE", "overdue since " + stamp(now.Add(-2*time.Hour))},
		{"running", JobStatus{Running: true, Last: JobState{LastStart: at, LastResult: ResultOK}, Next: now.Add(time.Hour)}, stamp(at), "running", stamp(now.Add(time.Hour))},
		{"interrupted", JobStatus{Interrupted: true}, "never", "interrupted", "now"},
	}
	for _, tt := range tests {
		last, result, next := tt.row.Columns(now)
		if last != tt.last || result != tt.result || next != tt.next {
			t.Errorf("%s: Columns = %q, %q, %q; want %q, %q, %q", tt.name, last, result, next, tt.last, tt.result, tt.next)
		}
	}
	r := JobStatus{Job: "n", Failed: []FailedBackup{{Dest: "folder:/b", Verified: Verified{Name: "x", Error: "bad\nchecksum", At: at}}}}
	want := "DAMAGED backup of job n at folder:/b: x (bad checksum, checked " + stamp(at) + "); retention keeps it but never counts it as good"
	if got := r.Damaged(); len(got) != 1 || got[0] != want {
		t.Errorf("Damaged = %q, want %q", got, want)
	}
}

// TestStatusJSON: schedule status --json's object, {"jobs": [...]},
// with [] when there are no jobs.
func TestStatusJSON(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rows []JobStatus
		want string
	}{
		{"none", nil, `{"jobs":[]}`},
		{"one", []JobStatus{{Job: "a", WarnAfter: time.Hour}},
			`{"jobs":[{"job":"a","next_run":"2026-11-25T03:00:00Z","failing":false,"overdue":false,"warn_after_seconds":3600}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(Statuses{Jobs: tt.rows, At: now})
			if err != nil || string(got) != tt.want {
				t.Errorf("JSON = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}
