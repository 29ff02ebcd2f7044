package job

import (
	"strings"
	"testing"
)

// TestCheckName: the whole refusal of each kind of name asked for, said
// of a flag; a name too long is not repeated, one with a control
// character is quoted.
func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name, want string
	}{
		{"", ""},
		{"nightly", ""},
		{strings.Repeat("a", MaxNameSize), ""},
		{strings.Repeat("a", MaxNameSize+1), "--name is too long (at most 200 bytes)"},
		{".hidden", "--name .hidden must not start with a dot"},
		{"../up", "--name ../up must not start with a dot"},
		{"a/b", "--name a/b contains a slash: give a plain file name"},
		{"a\tb", `--name "a\tb" contains a control character: give a plain file name`},
		{"backup.", "--name backup. ends in a dot or space, which Windows drops: give a plain file name"},
	} {
		err := CheckName(tc.name)
		got := ""
		if err != nil {
			got = err.(*BadNameError).Of("--name")
		}
		if got != tc.want {
			t.Errorf("CheckName(%q): %q; want %q", tc.name, got, tc.want)
		}
	}
	if err := CheckName(".x"); err == nil || err.Error() != "the backup name .x must not start with a dot" {
		t.Errorf("CheckName(.x) = %v", err)
	}
}
