package schedule

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
)

// dated builds backups from "YYYY-MM-DD HH:MM" stamps, named by stamp.
func dated(t *testing.T, stamps ...string) []Dated {
	var out []Dated
	for _, s := range stamps {
		out = append(out, Dated{Entry: destinations.Entry{Name: s}, Time: mustTime(t, s)})
	}
	return out
}

func names(ds []Dated) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Name)
	}
	return out
}

func TestRetentionApply(t *testing.T) {
	// One backup a day for 40 days at 03:00, plus extra ones on some days.
	var month []string
	for d := 0; d < 40; d++ {
		month = append(month, time.Date(2026, 10, 17, 3, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format("2006-01-02 15:04"))
	}
	tests := []struct {
		name   string
		policy Retention
		in     []string
		keep   []string // newest first
	}{
		{"no rules keeps all", Retention{}, []string{"2026-11-01 03:00", "2026-11-03 03:00", "2026-11-02 03:00"},
			[]string{"2026-11-03 03:00", "2026-11-02 03:00", "2026-11-01 03:00"}},
		{"keep-last 2", Retention{KeepLast: 2}, []string{"2026-11-01 03:00", "2026-11-03 03:00", "2026-11-02 03:00", "2026-11-04 03:00"},
			[]string{"2026-11-04 03:00", "2026-11-03 03:00"}},
		{"keep-last more than there are", Retention{KeepLast: 10}, []string{"2026-11-01 03:00", "2026-11-02 03:00"},
			[]string{"2026-11-02 03:00", "2026-11-01 03:00"}},
		{"keep-daily keeps the newest of each day", Retention{KeepDaily: 2},
			[]string{"2026-11-03 01:00", "2026-11-03 23:00", "2026-11-02 05:00", "2026-11-02 06:00", "2026-11-01 03:00"},
			[]string{"2026-11-03 23:00", "2026-11-02 06:00"}},
		{"keep-daily skips days without backups", Retention{KeepDaily: 3},
			[]string{"2026-11-10 03:00", "2026-11-05 03:00", "2026-11-01 03:00", "2026-10-20 03:00"},
			[]string{"2026-11-10 03:00", "2026-11-05 03:00", "2026-11-01 03:00"}},
		{"counts left keep the oldest", Retention{KeepDaily: 5},
			[]string{"2026-11-03 10:00", "2026-11-02 10:00", "2026-11-01 12:00", "2026-11-01 08:00"},
			[]string{"2026-11-03 10:00", "2026-11-02 10:00", "2026-11-01 12:00", "2026-11-01 08:00"}},
		// 2026-11-23 is a Monday: ISO weeks run Monday to Sunday.
		{"keep-weekly uses ISO weeks", Retention{KeepWeekly: 2},
			[]string{"2026-11-24 03:00", "2026-11-23 03:00", "2026-11-22 03:00", "2026-11-16 03:00", "2026-11-10 03:00"},
			[]string{"2026-11-24 03:00", "2026-11-22 03:00"}},
		{"keep-monthly", Retention{KeepMonthly: 2}, month,
			[]string{"2026-11-25 03:00", "2026-10-31 03:00"}},
		{"rules combine", Retention{KeepLast: 2, KeepWeekly: 2, KeepMonthly: 3}, month,
			[]string{"2026-11-25 03:00", "2026-11-24 03:00", "2026-11-22 03:00", "2026-10-31 03:00", "2026-10-17 03:00"}},
		{"keep-daily 7 of 40", Retention{KeepDaily: 7}, month,
			[]string{"2026-11-25 03:00", "2026-11-24 03:00", "2026-11-23 03:00", "2026-11-22 03:00", "2026-11-21 03:00", "2026-11-20 03:00", "2026-11-19 03:00"}},
		{"single backup always kept", Retention{KeepLast: 1}, []string{"2026-11-01 03:00"}, []string{"2026-11-01 03:00"}},
		{"nothing to keep from", Retention{KeepLast: 1}, nil, nil},
		// A count below zero (Check refuses it) would keep nothing by any
		// rule: everything is kept instead.
		{"negative keep-last keeps all", Retention{KeepLast: -1}, []string{"2026-11-01 03:00", "2026-11-02 03:00"}, []string{"2026-11-02 03:00", "2026-11-01 03:00"}},
		{"negative beside a rule keeps all", Retention{KeepLast: 1, KeepMonthly: -2}, []string{"2026-11-01 03:00", "2026-11-02 03:00"}, []string{"2026-11-02 03:00", "2026-11-01 03:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := dated(t, tt.in...)
			keep, remove := tt.policy.Apply(in)
			if got := names(keep); !slices.Equal(got, tt.keep) {
				t.Fatalf("keep = %v\nwant   %v", got, tt.keep)
			}
			if len(keep)+len(remove) != len(in) {
				t.Fatalf("keep %d + remove %d != %d backups", len(keep), len(remove), len(in))
			}
			for _, r := range remove {
				if slices.Contains(names(keep), r.Name) {
					t.Fatalf("%s both kept and removed", r.Name)
				}
			}
		})
	}
}

func TestRetentionCheck(t *testing.T) {
	for _, tt := range []struct {
		r    Retention
		want string
	}{
		{Retention{}, ""},
		{Retention{KeepLast: 3, KeepDaily: 7}, ""},
		{Retention{KeepLast: -1}, "keep_last: -1 is negative"},
		{Retention{KeepDaily: 1, KeepWeekly: -5}, "keep_weekly: -5 is negative"},
		{Retention{KeepMonthly: -2}, "keep_monthly: -2 is negative"},
	} {
		err := tt.r.Check()
		var neg *NegativeKeepError
		if got := fmt.Sprint(err); (tt.want == "" && err != nil) || (tt.want != "" && (got != tt.want || !errors.As(err, &neg))) {
			t.Errorf("%+v.Check() = %v, want %q", tt.r, err, tt.want)
		}
	}
}
