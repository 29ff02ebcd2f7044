package schedule

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

func TestConfigAdHoc(t *testing.T) {
	errUnreadable := errors.New("password file is readable by others")
	files := func(_ context.Context, j Job) (string, error) {
		if j.PasswordFile == "/keys/public" {
			return "", errUnreadable
		}
		return "from " + j.PasswordFile, nil
	}
	src := "/home/u/CakeWallet"
	relSrc, relPw := filepath.Join("u", "CakeWallet"), filepath.Join("keys", "mine")
	absSrc, err := filepath.Abs(relSrc)
	if err != nil {
		t.Fatal(err)
	}
	absPw, err := filepath.Abs(relPw)
	if err != nil {
		t.Fatal(err)
	}
	saved := Config{DefaultDest: "usb:STICK", Jobs: []Job{{Name: "nightly", Source: "/other", Every: "24h", PasswordEnv: "PW"}}, File: "/cfg/schedule.toml"}
	tests := []struct {
		name     string
		base     Config
		job      Job
		want     Job    // the config's one job after
		wantDest string // its default destination after
		wantPw   string // what the password function gives
		wantErr  string // the error, or ""
		isErr    error  // an error it wraps, or nil
	}{
		{
			name:     "unnamed, named after its source; the saved default destination; the given password",
			base:     saved,
			job:      Job{Source: src, Every: "24h"},
			want:     Job{Name: AdHocJobName(src), Source: src, Every: "24h", PasswordEnv: "CAKEBACKUP_PASSWORD"},
			wantDest: "usb:STICK",
			wantPw:   "given",
		},
		{
			name:     "named; no saved default: the fallback",
			base:     Config{},
			job:      Job{Name: "mine", Source: src, Cron: "@daily", Dest: "folder:/b"},
			want:     Job{Name: "mine", Source: src, Cron: "@daily", Dest: "folder:/b", PasswordEnv: "CAKEBACKUP_PASSWORD"},
			wantDest: "downloads",
			wantPw:   "given",
		},
		{
			name:     "a password file is read by the function, not marked as the environment",
			base:     saved,
			job:      Job{Source: src, Every: "1h", PasswordFile: "/keys/private"},
			want:     Job{Name: AdHocJobName(src), Source: src, Every: "1h", PasswordFile: "/keys/private"},
			wantDest: "usb:STICK",
			wantPw:   "from /keys/private",
		},
		{
			name:     "relative paths are made absolute, and the name is the absolute source's",
			base:     saved,
			job:      Job{Source: relSrc, Every: "1h", PasswordFile: relPw},
			want:     Job{Name: AdHocJobName(absSrc), Source: absSrc, Every: "1h", PasswordFile: absPw},
			wantDest: "usb:STICK",
			wantPw:   "from " + absPw,
		},
		{
			name:    "an unreadable password file is refused",
			base:    saved,
			job:     Job{Source: src, Every: "1h", PasswordFile: "/keys/public"},
			wantErr: errUnreadable.Error(),
			isErr:   errUnreadable,
		},
		{
			name:    "the job is validated",
			base:    saved,
			job:     Job{Source: src},
			wantErr: `every: missing: set every = "24h" or cron = "30 2 * * *"`,
		},
		{
			name:    "a name from the command line is validated too",
			base:    saved,
			job:     Job{Name: "no spaces", Source: src, Every: "24h"},
			wantErr: "name: " + ValidateJobName("no spaces").Error(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.base
			cfg.Jobs = append([]Job(nil), tt.base.Jobs...)
			password, err := cfg.AdHoc(t.Context(), tt.job, AdHocPassword{Given: "given", GivenEnv: "CAKEBACKUP_PASSWORD", File: files})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || (tt.isErr != nil && !errors.Is(err, tt.isErr)) {
					t.Fatalf("AdHoc = %v, want %q", err, tt.wantErr)
				}
				if !reflect.DeepEqual(cfg, tt.base) {
					t.Fatalf("after an error the config is %+v, want it unchanged", cfg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Jobs) != 1 || !reflect.DeepEqual(cfg.Jobs[0], tt.want) {
				t.Fatalf("jobs = %+v, want only %+v", cfg.Jobs, tt.want)
			}
			if cfg.DefaultDest != tt.wantDest || cfg.File != tt.base.File {
				t.Fatalf("default destination %q, file %q; want %q, %q", cfg.DefaultDest, cfg.File, tt.wantDest, tt.base.File)
			}
			if pw, err := password(t.Context(), cfg.Jobs[0]); err != nil || pw != tt.wantPw {
				t.Fatalf("password = %q, %v; want %q", pw, err, tt.wantPw)
			}
		})
	}
}
