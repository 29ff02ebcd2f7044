package winpath

import (
	"path/filepath"
	"runtime"
	"testing"
)

var absTests = []struct {
	path string
	abs  bool
}{
	{`C:\Users\ana`, true},
	{`c:/Users/ana`, true},
	{`C:\`, true},
	{`\\server\share\dir`, true},
	{`//server/share`, true},
	{`C:`, false},
	{`C:dir`, false},
	{`\dir`, false},
	{`/usr/bin`, false},
	{`dir\file`, false},
	{``, false},
}

func TestIsAbs(t *testing.T) {
	for _, tt := range absTests {
		if got := IsAbs(tt.path); got != tt.abs {
			t.Errorf("IsAbs(%q) = %v, want %v", tt.path, got, tt.abs)
		}
	}
}

// On Windows itself, IsAbs agrees with filepath.IsAbs.
func TestIsAbsMatchesFilepathOnWindows(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("filepath follows Windows rules only on Windows")
	}
	for _, tt := range absTests {
		if got, want := IsAbs(tt.path), filepath.IsAbs(tt.path); got != want {
			t.Errorf("IsAbs(%q) = %v, filepath.IsAbs = %v", tt.path, got, want)
		}
	}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		elem []string
		want string
	}{
		{[]string{`C:\Users\ana`, "Downloads"}, `C:\Users\ana\Downloads`},
		{[]string{`C:\Users\ana\`, "Downloads"}, `C:\Users\ana\Downloads`},
		{[]string{`C:\`, `\x`}, `C:\x`},
		{[]string{`\\srv\share`, "d"}, `\\srv\share\d`},
		{[]string{`C:\Users\ana\AppData\Roaming`, "cakebackup", "s.json"}, `C:\Users\ana\AppData\Roaming\cakebackup\s.json`},
		{[]string{"", "d", ""}, "d"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Join(tt.elem...); got != tt.want {
			t.Errorf("Join(%q) = %q, want %q", tt.elem, got, tt.want)
		}
	}
}
