//go:build unix

package schedule

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadConfigReadsOnlyARegularFile: a config path that is a folder, a
// FIFO, a device or a loop of links is refused at once with the path and
// a reason of cakebackup's, never waited on (a FIFO without a writer),
// read without end (/dev/zero), or taken for an empty config
// (/dev/null); a file over MaxConfigSize is refused unread.
func TestLoadConfigReadsOnlyARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxConfigSize+1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want error
		line string
	}{
		{dir, ErrConfigFolder, dir + ": a folder, not a config file"},
		{fifo, ErrConfigNotRegular, fifo + ": not a regular file, so not a config file"},
		{"/dev/zero", ErrConfigNotRegular, "/dev/zero: not a regular file, so not a config file"},
		{"/dev/null", ErrConfigNotRegular, "/dev/null: not a regular file, so not a config file"},
		{loop, syscall.ELOOP, loop + ": too many levels of symbolic links"},
		{big, ErrConfigTooBig, big + ": larger than 1 MiB, so not a config file"},
	} {
		cfg, err := LoadConfig(tc.path)
		var fe *ConfigFileError
		if cfg != nil || !errors.As(err, &fe) || !errors.Is(err, tc.want) || err.Error() != tc.line {
			t.Errorf("LoadConfig(%s) = %v, %v; want a *ConfigFileError %q", tc.path, cfg, err, tc.line)
		}
	}
	// Not there: an empty config, as before.
	missing := filepath.Join(dir, "missing.toml")
	if cfg, err := LoadConfig(missing); err != nil || cfg.File != missing || len(cfg.Jobs) != 0 {
		t.Errorf("LoadConfig(missing) = %+v, %v; want an empty config", cfg, err)
	}
	under := filepath.Join(big, "x.toml") // ENOTDIR
	if _, err := LoadConfig(under); err == nil || strings.Contains(err.Error(), "stat ") || !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("LoadConfig(%s) = %v, want ENOTDIR worded without stat", under, err)
	}
}
