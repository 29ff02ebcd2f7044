package schedule

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// writeConfig writes data as a config file in a new folder and returns
// its path.
func writeConfig(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const nightlyConfig = `default_dest = "downloads"

[[job]]
name = "nightly"
source = "/data/cake"
dest = "folder:/srv/b"
every = "24h"
password_file = "/etc/pw"
`

func TestLoadNamedConfig(t *testing.T) {
	tests := []struct {
		name        string
		data        string // "" for no file
		wantMissing bool
		wantErr     bool
		wantDefault string
	}{
		{name: "missing", wantMissing: true},
		{name: "present", data: nightlyConfig, wantDefault: "downloads"},
		{name: "empty file", data: "\n"},
		{name: "bad field", data: "default_dst = \"usb\"\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			if tt.data != "" {
				path = writeConfig(t, tt.data)
			}
			cfg, err := LoadNamedConfig(path)
			var missing *MissingConfigError
			switch {
			case tt.wantMissing:
				if !errors.As(err, &missing) || missing.Path != path || !errors.Is(err, fs.ErrNotExist) || err.Error() != path+": no such config file" {
					t.Fatalf("LoadNamedConfig = %v, want a *MissingConfigError for %s", err, path)
				}
				// The default file may not exist yet: LoadConfig still
				// reads it as empty.
				if cfg, err := LoadConfig(path); err != nil || !reflect.DeepEqual(cfg, &Config{}) {
					t.Errorf("LoadConfig of a missing file = %+v, %v; want an empty config", cfg, err)
				}
			case tt.wantErr:
				if err == nil || errors.As(err, &missing) {
					t.Fatalf("LoadNamedConfig = %v, want the file's own error", err)
				}
			default:
				if err != nil || cfg.DefaultDest != tt.wantDefault {
					t.Fatalf("LoadNamedConfig = %+v, %v; want default_dest %q", cfg, err, tt.wantDefault)
				}
			}
		})
	}
}
