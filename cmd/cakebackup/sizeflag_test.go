package main

import "testing"

func TestParseSize(t *testing.T) {
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
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err == nil) != (tt.want != 0) || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
