package destinations

import (
	"os"
	"path/filepath"
	"testing"
)

// TestKindSuggestion: a mistyped kind gets the closest known ones (the
// error's own when it has them), and a spec naming a folder here how to
// write it as one.
func TestKindSuggestion(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("backups", 0o700); err != nil {
		t.Fatal(err)
	}
	known := []string{"downloads", "folder", "proton", "usb"}
	tests := []struct {
		err  *KindError
		want string
	}{
		{&KindError{Spec: "downlaods", Kind: "downlaods"}, ` (did you mean "downloads"?)`},
		{&KindError{Spec: "protn:/B", Kind: "protn", Known: []string{"proton", "usb"}}, ` (did you mean "proton"?)`},
		{&KindError{Spec: "protn:/B", Kind: "protn", Known: []string{"usb"}}, ""},
		{&KindError{Spec: "backups", Kind: "backups"}, " (for the folder backups here, write folder:backups)"},
		{&KindError{Spec: "./backups", Kind: "./backups"}, " (for the folder ./backups here, write folder:./backups)"},
		{&KindError{Spec: filepath.Join("backups", "gone"), Kind: "backups/gone"}, ""},
		{&KindError{Spec: "zzz", Kind: "zzz"}, ""},
	}
	for _, tt := range tests {
		if got := tt.err.Suggestion(known); got != tt.want {
			t.Errorf("%+v.Suggestion = %q, want %q", tt.err, got, tt.want)
		}
	}
}
