package backup

import "testing"

func TestMakerString(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    string
	}{
		{"cakebackup 0.1.0", "cakebackup"},
		{"4.21.1", "app"},
		{"", "unknown"},
	} {
		if got := (Info{AppVersion: tc.version}).Maker().String(); got != tc.want {
			t.Errorf("Maker of %q = %q, want %q", tc.version, got, tc.want)
		}
	}
}
