package schedule

import (
	"strings"
	"time"
)

// backupPrefix starts every backup name, as Cake Wallet names its exports.
const backupPrefix = "cake_wallet_backup_"

// nameTimeLayout is the time stamp in backup names.
const nameTimeLayout = "2006-01-02_150405"

// BackupName returns the name of a backup made by job at t:
// cake_wallet_backup_<job>_YYYY-MM-DD_HHMMSS, in t's location.
func BackupName(job string, t time.Time) string {
	return backupPrefix + job + "_" + t.Format(nameTimeLayout)
}

// ParseBackupName reports whether name is a backup made by job, and when
// (read in loc). A destination that had to rename a backup to avoid a
// clash may have added a suffix such as "-1" or " (1)"; that still
// matches. Another job's backups never match: job names cannot make the
// time stamp parse.
func ParseBackupName(job, name string, loc *time.Location) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, backupPrefix+job+"_")
	if !ok || len(rest) < len(nameTimeLayout) {
		return time.Time{}, false
	}
	stamp, suffix := rest[:len(nameTimeLayout)], rest[len(nameTimeLayout):]
	if suffix != "" && !strings.ContainsRune("- (.", rune(suffix[0])) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(nameTimeLayout, stamp, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
