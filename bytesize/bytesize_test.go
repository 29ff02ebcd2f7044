package bytesize

import (
	"errors"
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{24 << 20, "24.0 MiB"},
		{3 << 30, "3.0 GiB"},
		{5 << 40, "5.0 TiB"},
		{math.MaxInt64, "8.0 EiB"},
	}
	for _, tt := range tests {
		if got := Format(tt.n); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0: refused
	}{
		{"1024", 1024},
		{"500M", 500 << 20},
		{"20G", 20 << 30},
		{"2GiB", 2 << 30},
		{"1.5g", 3 << 29},
		{"1T", 1 << 40},
		{"64kb", 64 << 10},
		{"0", 0},
		{"-1G", 0},
		{"lots", 0},
		{"", 0},
		{"99999999T", 0},
		{"1e30", 0},
		{"nan", 0},
		{"NaNG", 0},
		{"inf", 0},
		{"-inf", 0},
		{"0.1", 0}, // no whole byte
		{"0.5K", 512},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if se := (*SizeError)(nil); (err == nil) != (tt.want != 0) || got != tt.want || (err != nil && !errors.As(err, &se)) {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
