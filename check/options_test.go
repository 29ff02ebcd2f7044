package check_test

import (
	"errors"
	"testing"

	"github.com/cakebackup/cakebackup/check"
)

// ParseOptions reads a subset and a rotation, and refuses a rotation of
// anything but N/T groups and a subset that is none.
func TestParseOptions(t *testing.T) {
	tests := []struct {
		subset  string
		rotate  bool
		want    check.Subset
		wantErr error
	}{
		{"", false, check.Subset{}, nil},
		{"2/5", true, check.Subset{N: 2, T: 5}, nil},
		{"2/5", false, check.Subset{N: 2, T: 5}, nil},
		{"10%", false, check.Subset{Percent: 10}, nil},
		{"1K", false, check.Subset{Bytes: 1024}, nil},
		{"", true, check.Subset{}, check.ErrRotateWithoutGroups},
		{"10%", true, check.Subset{}, check.ErrRotateWithoutGroups},
		{"lots", false, check.Subset{}, check.ErrBadSubset},
		{"0/5", true, check.Subset{}, check.ErrBadSubset},
	}
	for _, tt := range tests {
		opts, err := check.ParseOptions(tt.subset, tt.rotate)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("ParseOptions(%q, %v) error %v, want %v", tt.subset, tt.rotate, err, tt.wantErr)
			continue
		}
		if tt.wantErr == nil && (opts.Subset != tt.want || opts.Rotate != tt.rotate) {
			t.Errorf("ParseOptions(%q, %v) = %+v, want subset %+v", tt.subset, tt.rotate, opts, tt.want)
		}
	}
}
