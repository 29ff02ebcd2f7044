package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestRevision(t *testing.T) {
	t.Parallel()
	const commit = "0b3147a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7"
	tests := []struct {
		name     string
		settings []debug.BuildSetting
		want     string
	}{
		{"no VCS", []debug.BuildSetting{{Key: "GOOS", Value: "linux"}}, ""},
		{"clean", []debug.BuildSetting{{Key: "vcs.revision", Value: commit}, {Key: "vcs.modified", Value: "false"}}, "0b3147a1c2d3"},
		{"dirty", []debug.BuildSetting{{Key: "vcs.modified", Value: "true"}, {Key: "vcs.revision", Value: commit}}, "0b3147a1c2d3+modified"},
		{"short", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}, "abc"},
		{"dirty without a commit", []debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}, ""},
	}
	for _, tt := range tests {
		if got := revision(tt.settings); got != tt.want {
			t.Errorf("%s: revision = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestInfoLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		info Info
		want string
	}{
		{Info{Version: "0.1.0", GoVersion: "go1.26.8", OS: "linux", Arch: "amd64"}, "prog 0.1.0 (go1.26.8, linux/amd64)"},
		{Info{Version: "0.1.0", GoVersion: "go1.26.8", OS: "darwin", Arch: "arm64", Commit: "0b3147a1c2d3+modified"}, "prog 0.1.0 (go1.26.8, darwin/arm64, commit 0b3147a1c2d3+modified)"},
	}
	for _, tt := range tests {
		if got := tt.info.Line("prog"); got != tt.want {
			t.Errorf("Line = %q, want %q", got, tt.want)
		}
	}
}
