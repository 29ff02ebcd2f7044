package didyoumean

import (
	"slices"
	"testing"
)

func TestHint(t *testing.T) {
	t.Parallel()
	commands := []string{"create", "send", "verify", "restore", "ls", "list"}
	tests := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"verfiy", commands, ` (did you mean "verify"?)`},
		{"crea", commands, ` (did you mean "create"?)`},      // unfinished
		{"restroe", commands, ` (did you mean "restore"?)`},  // two mistakes
		{"lst", commands, ` (did you mean "ls" or "list"?)`}, // a tie names both
		{"VERIFY", commands, ` (did you mean "verify"?)`},    // case is ignored
		{"Downloads", []string{"downloads", "usb"}, ` (did you mean "downloads"?)`},
		{"bsh", []string{"bash", "zsh", "fish"}, ` (did you mean "bash" or "zsh"?)`},
		{"--sorce", []string{"--source", "--dest"}, ` (did you mean "--source"?)`},
		{"-v", []string{"--verbose", "--version"}, ""}, // "-v" begins neither
		{"--v", []string{"--verbose", "--version"}, ` (did you mean "--verbose" or "--version"?)`},
		{"xyzzy", commands, ""}, // nothing close
		{"", commands, ""},
		{"s", []string{"send"}, ""},  // one letter is not a beginning
		{"--", []string{"--to"}, ""}, // nor are dashes alone
		{"sendd", nil, ""},
	}
	for _, tt := range tests {
		if got := Hint(tt.word, tt.candidates); got != tt.want {
			t.Errorf("Hint(%q, %q) = %q, want %q", tt.word, tt.candidates, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		word       string
		candidates []string
		want       []string
	}{
		{"lst", []string{"list", "ls", "list"}, []string{"list", "ls"}}, // a repeated candidate once
		{"ls", []string{"list", "ls"}, []string{"ls"}},                  // an exact match wins
		{"LS", []string{"ls"}, []string{"ls"}},
		{"sendd", []string{"sent", "send"}, []string{"send"}}, // the nearer of two
		{"sned", []string{"send"}, nil},                       // two mistakes in four letters are too many
		{"abc", []string{"xyz"}, nil},
	}
	for _, tt := range tests {
		if got := Closest(tt.word, tt.candidates); !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q, %q) = %q, want %q", tt.word, tt.candidates, got, tt.want)
		}
	}
}
