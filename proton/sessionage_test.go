package proton

import (
	"testing"
	"time"
)

func TestSessionAge(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		s    Session
		age  time.Duration
		want bool
	}{
		{Session{Created: now.Add(-30 * 24 * time.Hour), Refreshed: now.Add(-time.Hour)}, time.Hour, true},
		{Session{Created: now.Add(-21 * 24 * time.Hour)}, 21 * 24 * time.Hour, true},
		{Session{}, 0, false},
	}
	for _, tt := range tests {
		if age, ok := tt.s.Age(now); age != tt.age || ok != tt.want {
			t.Errorf("%v.Age() = %v, %v; want %v, %v", tt.s, age, ok, tt.age, tt.want)
		}
	}
}
