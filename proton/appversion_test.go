package proton

import (
	"regexp"
	"testing"
)

// protonAppVersionPattern is the form Proton accepts from third-party
// Drive clients, as rclone's backend/protondrive tests check it.
var protonAppVersionPattern = regexp.MustCompile(`(?i)^external-drive(-[a-z_]+)+@[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?-((stable|beta|RC|alpha)(([.-]?\d+)*)?)?([.-]?dev)?(\+.*)?$`)

func TestAppVersion(t *testing.T) {
	tests := []struct{ release, want string }{
		{"0.1.0", "external-drive-cakebackup@0.1.0-stable"},
		{"v1.73.5", "external-drive-cakebackup@1.73.5-stable"},
		{"1.74.0-DEV", "external-drive-cakebackup@1.74.0-dev"},
		{"1.2.0+linux.amd64", "external-drive-cakebackup@1.2.0-stable+linux.amd64"},
		{"v1.74.0-beta.9519.990f33f2a.fix-protondrive-sdk-2026", "external-drive-cakebackup@1.74.0-beta.9519+990f33f2a.fix-protondrive-sdk-2026"},
		{"v1.74.0-beta.9519.990f33f2a.fix/protondrive-sdk-2026", "external-drive-cakebackup@1.74.0-beta.9519+990f33f2a.fix-protondrive-sdk-2026"},
		{"2.0.0-beta", "external-drive-cakebackup@2.0.0-beta"},
		{"2.0.0-rc.1", "external-drive-cakebackup@1.0.0-stable"},
		{"1.2", "external-drive-cakebackup@1.0.0-stable"},
		{"not-a-version", "external-drive-cakebackup@1.0.0-stable"},
		{"", "external-drive-cakebackup@1.0.0-stable"},
	}
	for _, tc := range tests {
		t.Run(tc.release, func(t *testing.T) {
			got := AppVersion(tc.release)
			if got != tc.want {
				t.Fatalf("AppVersion(%q) = %q, want %q", tc.release, got, tc.want)
			}
			if !protonAppVersionPattern.MatchString(got) {
				t.Fatalf("%q does not have the form Proton accepts", got)
			}
		})
	}
}

// TestChosenAppVersion: the flag's value, else the environment's, else
// the derived one; WithAppVersion gives the same to what reads getenv.
func TestChosenAppVersion(t *testing.T) {
	tests := []struct {
		name, given, env, want string
	}{
		{name: "given", given: " external-drive-x@2.0.0-stable ", env: "external-drive-y@3.0.0-stable", want: "external-drive-x@2.0.0-stable"},
		{name: "environment", given: "  ", env: " external-drive-y@3.0.0-stable\n", want: "external-drive-y@3.0.0-stable"},
		{name: "derived", want: "external-drive-cakebackup@0.1.0-stable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				return map[string]string{AppVersionEnv: tt.env, URLEnv: "http://127.0.0.1:1"}[k]
			}
			if got := ChosenAppVersion(tt.given, getenv, "0.1.0"); got != tt.want {
				t.Errorf("ChosenAppVersion(%q) with $%s=%q = %q, want %q", tt.given, AppVersionEnv, tt.env, got, tt.want)
			}
			// WithAppVersion's environment answers with the same choice,
			// and passes every other variable through.
			env := WithAppVersion(getenv, tt.given, "0.1.0")
			if got, url := env(AppVersionEnv), env(URLEnv); got != tt.want || url != "http://127.0.0.1:1" {
				t.Errorf("WithAppVersion(%q): $%s=%q, $%s=%q; want %q and the URL unchanged", tt.given, AppVersionEnv, got, URLEnv, url, tt.want)
			}
		})
	}
}
