package proton

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// AppVersionEnv overrides the x-pm-appversion header cakebackup sends,
// for when Proton changes its rules before cakebackup is updated.
const AppVersionEnv = "CAKEBACKUP_PROTON_APP_VERSION"

// appVersionProduct is the client name in the x-pm-appversion header.
// Proton asks third-party Drive clients to identify as
// "external-drive-<project>@<major>.<minor>.<patch>-<channel>[+metadata]"
// and refuses the "macos-drive@1.0.0-alpha.1+..." strings they used
// before (rclone issue 9764: 422 Code=2028; rclone PR 9260, merged
// April 2026, made rclone send "external-drive-rclone@<version>-stable").
const appVersionProduct = "external-drive-cakebackup"

// fallbackAppVersion is sent when the release is not a version number.
const fallbackAppVersion = appVersionProduct + "@1.0.0-stable"

// invalidVersionChars are replaced by "-" before parsing, as rclone does,
// so a branch name such as "fix/x" in a build's metadata cannot break
// the header.
var invalidVersionChars = regexp.MustCompile(`[^0-9A-Za-z.+-]+`)

// AppVersion returns the x-pm-appversion value for cakebackup release
// (such as "0.1.0", "v1.2.0-beta.3+abc" or "1.3.0-dev"), derived the way
// rclone derives its own (protonDriveAppVersionFromRcloneVersion in
// rclone's backend/protondrive): "1.2.3" -> "...@1.2.3-stable",
// "1.2.3-dev" -> "...@1.2.3-dev", "1.2.3-beta.4.abc" ->
// "...@1.2.3-beta.4+abc", build metadata kept after "+". A release that
// is not a full semantic version, or another pre-release kind, gives
// "external-drive-cakebackup@1.0.0-stable".
func AppVersion(release string) string {
	release = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(release), "v"))
	release = invalidVersionChars.ReplaceAllString(release, "-")
	v, err := semver.StrictNewVersion(release)
	if err != nil {
		return fallbackAppVersion
	}
	return joinAppVersion(v, fmt.Sprintf("%s@%d.%d.%d", appVersionProduct, v.Major(), v.Minor(), v.Patch()))
}

// ChosenAppVersion is the x-pm-appversion value to send: given (a
// person's choice, such as a flag's value) when not blank, else
// $CAKEBACKUP_PROTON_APP_VERSION when set, else AppVersion(release). The
// first two let a person keep backups going when Proton changes which
// versions it accepts before cakebackup is updated.
func ChosenAppVersion(given string, getenv func(string) string, release string) string {
	if v := strings.TrimSpace(given); v != "" {
		return v
	}
	if v := strings.TrimSpace(getenv(AppVersionEnv)); v != "" {
		return v
	}
	return AppVersion(release)
}

// joinAppVersion adds the channel and metadata of v to base
// ("external-drive-cakebackup@X.Y.Z").
func joinAppVersion(v *semver.Version, base string) string {
	meta := dotParts(v.Metadata())
	pre := strings.ToLower(v.Prerelease())
	switch {
	case pre == "":
		return withMetadata(base+"-stable", meta)
	case pre == "dev":
		return withMetadata(base+"-dev", meta)
	case pre == "beta" || strings.HasPrefix(pre, "beta."):
		suffix := "-beta"
		parts := dotParts(strings.TrimPrefix(strings.TrimPrefix(pre, "beta"), "."))
		i := 0
		for ; i < len(parts) && isDecimal(parts[i]); i++ {
			suffix += "." + parts[i]
		}
		return withMetadata(base+suffix, append(parts[i:], meta...))
	}
	return fallbackAppVersion
}

func withMetadata(v string, meta []string) string {
	if len(meta) == 0 {
		return v
	}
	return v + "+" + strings.Join(meta, ".")
}

// dotParts splits s at dots, dropping empty parts.
func dotParts(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ".") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// WithAppVersion returns getenv answering AppVersionEnv with
// ChosenAppVersion(given, getenv, release), so that everything reading
// the proton settings from the environment sends the version chosen.
func WithAppVersion(getenv func(string) string, given, release string) func(string) string {
	v := ChosenAppVersion(given, getenv, release)
	return func(k string) string {
		if k == AppVersionEnv {
			return v
		}
		return getenv(k)
	}
}
