package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/job"
)

// backupPrefix starts every backup name, as Cake Wallet names its exports.
const backupPrefix = "cake_wallet_backup_"

// nameTimeLayout is the time stamp in backup names.
const nameTimeLayout = "2006-01-02_150405"

// BackupName returns the name of a backup made by job at t:
// cake_wallet_backup_<job>_YYYY-MM-DD_HHMMSS, in t's location. It is
// job.BackupName, the one naming rule create shares; ParseBackupName is
// its inverse.
func BackupName(jobName string, t time.Time) string {
	return job.BackupName(jobName, t)
}

// ParseBackupName reports whether name is a backup made by job, and when
// (read in loc). The name must be exactly the job's prefix and a time
// stamp, optionally followed by the number a destination adds to avoid a
// clash ("-2", as local folders and Proton Drive do, or " (2)", as
// browsers' download folders do). Anything else after the stamp is
// refused, so another job whose name starts with this job's name and a
// time stamp (job "a" and job "a_2026-01-01_000000-x") never matches.
func ParseBackupName(job, name string, loc *time.Location) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, backupPrefix+job+"_")
	if !ok || len(rest) < len(nameTimeLayout) {
		return time.Time{}, false
	}
	stamp, suffix := rest[:len(nameTimeLayout)], rest[len(nameTimeLayout):]
	if !isClashSuffix(suffix) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(nameTimeLayout, stamp, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// maxClashDigits bounds the number in a clash suffix.
const maxClashDigits = 6

// isClashSuffix accepts "", "-N" and " (N)" with N a decimal number.
func isClashSuffix(s string) bool {
	if s == "" {
		return true
	}
	var digits string
	switch {
	case strings.HasPrefix(s, "-"):
		digits = s[1:]
	case strings.HasPrefix(s, " (") && strings.HasSuffix(s, ")"):
		digits = s[2 : len(s)-1]
	default:
		return false
	}
	if digits == "" || len(digits) > maxClashDigits {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// AdHocJobName returns the name of the ad hoc job (one run from flags,
// with no config file) that backs up source: "adhoc-" and the first 8 hex
// digits of the SHA-256 of the cleaned absolute path. Two ad hoc sources
// get two names, so retention, which finds a job's backups by its name,
// never prunes one source's backups for the other's; the same source gets
// the same name run after run. source must be absolute.
func AdHocJobName(source string) string {
	sum := sha256.Sum256([]byte(filepath.Clean(source)))
	return "adhoc-" + hex.EncodeToString(sum[:4])
}
