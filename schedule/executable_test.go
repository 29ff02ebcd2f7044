package schedule

import (
	"errors"
	"testing"
)

func TestCheckInstallable(t *testing.T) {
	tests := []struct {
		exe, goCache, tmp string
		ok                bool
	}{
		{"/usr/local/bin/cakebackup", "/home/u/.cache/go-build", "/tmp", true},
		{"/home/u/go/bin/cakebackup", "/home/u/.cache/go-build", "/tmp", true},
		{"/tmp/go-build123/b001/exe/cakebackup", "", "/tmp", false},
		{"/var/folders/x/T/go-build9/b001/exe/cakebackup", "", "/var/folders/x/T", false},
		{"/srv/cache/gobuild/ab/cakebackup", "/srv/cache/gobuild", "/tmp", false},
		{"/tmp/cakebackup", "", "/tmp", false},
		{"/tmpfoo/cakebackup", "", "/tmp", true},
		{`C:\Users\u\AppData\Local\Temp\go-build1\b001\exe\cakebackup.exe`, "", `C:\Users\u\AppData\Local\Temp`, false},
	}
	for _, tt := range tests {
		err := CheckInstallable(tt.exe, tt.goCache, tt.tmp)
		if (err == nil) != tt.ok {
			t.Errorf("CheckInstallable(%q, %q, %q) = %v; want ok %v", tt.exe, tt.goCache, tt.tmp, err, tt.ok)
		}
		var tmp *TemporaryBuildError
		if err != nil && (!errors.As(err, &tmp) || tmp.Exe != tt.exe) {
			t.Errorf("error %v: want a *TemporaryBuildError naming %s", err, tt.exe)
		}
	}
}
