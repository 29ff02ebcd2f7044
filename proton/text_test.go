package proton

import (
	"testing"
	"time"
)

// TestWhoamiLines: proton whoami's two whole lines, with and without a
// quota and the session's times.
func TestWhoamiLines(t *testing.T) {
	accounts := []struct {
		a    Account
		want string
	}{
		{Account{Username: "u", Email: "u@proton.me", UsedSpace: 3 << 20, MaxSpace: 5 << 30},
			"u (u@proton.me), 3.0 MiB used of 5.0 GiB; session kept in the OS keyring"},
		{Account{Username: "u", Email: "u@proton.me", UsedSpace: 0},
			"u (u@proton.me), 0 B used; session kept in the OS keyring"},
	}
	for _, tt := range accounts {
		if got := tt.a.WhoamiLine("the OS keyring"); got != tt.want {
			t.Errorf("WhoamiLine of %+v = %q, want %q", tt.a, got, tt.want)
		}
	}
	made := time.Date(2026, 12, 1, 8, 30, 0, 0, time.Local)
	zone := made.Format("MST")
	sessions := []struct {
		s    Session
		want string
	}{
		{Session{Created: made, Refreshed: made.Add(25 * time.Hour)}, "Session made 2026-12-01 08:30 " + zone + ", last renewed 2026-12-02 09:30 " + zone},
		{Session{Created: made}, "Session made 2026-12-01 08:30 " + zone + ", last renewed never"},
		{Session{}, "Session made at an unknown time, last renewed never"},
	}
	for _, tt := range sessions {
		if got := tt.s.TimesLine(); got != tt.want {
			t.Errorf("TimesLine of %v = %q, want %q", tt.s, got, tt.want)
		}
	}
}

// TestLoggedInLine: proton login's whole line.
func TestLoggedInLine(t *testing.T) {
	want := "Logged in to Proton Drive as ana@proton.me; the session is kept in the OS keyring."
	if got := (Session{Username: "ana@proton.me"}).LoggedInLine("the OS keyring"); got != want {
		t.Errorf("LoggedInLine = %q, want %q", got, want)
	}
}
