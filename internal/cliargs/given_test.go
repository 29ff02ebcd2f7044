package cliargs

import "testing"

func TestBoolGiven(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"app", "ls", "--json"}, true},
		{[]string{"app", "-json", "ls"}, true},
		{[]string{"app", "ls", "--json=true"}, true},
		{[]string{"app", "ls", "-json=true"}, true},
		{[]string{"app", "ls", "--json=false"}, false},
		{[]string{"app", "ls", "--jsonx"}, false},
		{[]string{"app", "send", "--", "--json"}, false},
		{[]string{"app", "ls"}, false},
	} {
		if got := BoolGiven(tt.args, "json"); got != tt.want {
			t.Errorf("BoolGiven(%q, json) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
