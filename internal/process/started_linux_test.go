package process

import "testing"

func TestStartTimeFromStat(t *testing.T) {
	tests := []struct{ stat, want string }{
		{"4242 (cakebackup) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 8 0 987654 1000 10 18446744073709551615\n", "ticks:987654"},
		// The command name may hold spaces and parentheses.
		{"4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 8 0 123 1000 10\n", "ticks:123"},
		{"4242 (cut short) S 1 2 3\n", ""},
		{"no parenthesis", ""},
	}
	for _, tt := range tests {
		if got := startTimeFromStat(tt.stat); got != tt.want {
			t.Errorf("startTimeFromStat(%q) = %q, want %q", tt.stat, got, tt.want)
		}
	}
}
