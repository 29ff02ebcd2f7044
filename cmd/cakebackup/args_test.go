package main

import (
	"slices"
	"testing"
)

func TestInterspersed(t *testing.T) {
	t.Parallel()
	app := newApp(&env{getenv: func(string) string { return "" }})
	tests := []struct {
		in, want []string
	}{
		{[]string{"cb"}, []string{"cb"}},
		{[]string{"cb", "verify", "F"}, []string{"cb", "verify", "--", "F"}},
		{[]string{"cb", "verify", "F", "--password-file", "P"}, []string{"cb", "verify", "--password-file", "P", "--", "F"}},
		{[]string{"cb", "verify", "F", "--password-file=P", "--json"}, []string{"cb", "verify", "--password-file=P", "--json", "--", "F"}},
		{[]string{"cb", "verify", "--json", "F", "--password-stdin"}, []string{"cb", "verify", "--json", "--password-stdin", "--", "F"}},
		{[]string{"cb", "restore", "F", "--to", "D"}, []string{"cb", "restore", "--to", "D", "--", "F"}},
		{[]string{"cb", "restore", "--", "-odd-name", "--to", "D"}, []string{"cb", "restore", "--", "-odd-name", "--to", "D"}},
		{[]string{"cb", "create", "--source", "S", "--quiet"}, []string{"cb", "--quiet", "create", "--source", "S"}},
		{[]string{"cb", "-q", "create", "-s", "S"}, []string{"cb", "-q", "create", "-s", "S"}},
		{[]string{"cb", "verify", "F", "--verbose"}, []string{"cb", "--verbose", "verify", "--", "F"}},
		{[]string{"cb", "--proton-app-version", "V", "ls", "proton:/"}, []string{"cb", "--proton-app-version", "V", "ls", "--", "proton:/"}},
		{[]string{"cb", "ls", "proton:/", "--proton-app-version", "V"}, []string{"cb", "--proton-app-version", "V", "ls", "--", "proton:/"}},
		{[]string{"cb", "schedule", "list", "-q"}, []string{"cb", "-q", "schedule", "list"}},
		{[]string{"cb", "create", "--generate-bash-completion"}, []string{"cb", "create", "--generate-bash-completion"}},
		{[]string{"cb", "nosuch", "x"}, []string{"cb", "--", "nosuch", "x"}},
	}
	for _, tt := range tests {
		if got := interspersed(app, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("interspersed(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
