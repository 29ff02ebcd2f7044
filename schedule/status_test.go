package schedule

import (
	"testing"
	"time"
)

func TestStatusShowsFailuresFirst(t *testing.T) {
	at := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	c := &Config{Jobs: []Job{
		{Name: "ok", Every: "24h"},
		{Name: "never", Cron: "@daily"},
		{Name: "broken", Every: "24h"},
		{Name: "stopped", Every: "24h"},
		{Name: "busy", Watch: "/home/ana/Downloads", Every: "24h"},
	}}
	st := &State{Jobs: map[string]JobState{
		"ok":      {LastStart: at, LastResult: ResultOK},
		"broken":  {LastStart: at, LastResult: ResultFailed, LastError: "no space"},
		"stopped": {LastStart: at, LastResult: ResultAborted},
		"busy":    {LastStart: at, LastResult: ResultSkipped, LastError: "another cakebackup process is shipping from this folder"},
	}}
	rows, err := Status(c, st)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		job     string
		failing bool
		next    time.Time
	}{
		{"broken", true, at.Add(RetryAfter)},
		{"stopped", true, at.Add(RetryAfter)},
		{"ok", false, at.Add(24 * time.Hour)},
		{"never", false, time.Time{}},
		{"busy", false, at.Add(RetryAfter)},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, w := range want {
		if rows[i].Job != w.job || rows[i].Failing != w.failing || !rows[i].Next.Equal(w.next) {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], w)
		}
	}
}
