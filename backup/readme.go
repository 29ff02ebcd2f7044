package backup

import (
	"fmt"
	"strings"
	"time"
)

// renderReadme writes README.txt with the lines Cake Wallet writes
// (exportBackupFileV3 in lib/core/backup_service_v3.dart): the app name
// sentence the app checks on import, the version, a support line and the
// creation time in Dart's DateTime.toIso8601String() form.
func renderReadme(appName, appVersion string, created time.Time) []byte {
	return fmt.Appendf(nil, "This is a %s backup. Do not modify this archive.\n"+
		"\n"+
		"App version: %s\n"+
		"\n"+
		"If you have any issues with this backup, please contact our in-app support.\n"+
		"This backup was created on %s\n", appName, appVersion, dartISO8601(created))
}

// dartISO8601 formats t like Dart's DateTime.toIso8601String(): local
// times carry no offset, UTC ones end in Z, milliseconds always appear and
// microseconds only when not zero.
func dartISO8601(t time.Time) string {
	s := t.Format("2006-01-02T15:04:05.000")
	if us := t.Nanosecond() / 1000 % 1000; us != 0 {
		s += fmt.Sprintf("%03d", us)
	}
	if t.Location() == time.UTC {
		s += "Z"
	}
	return s
}

// readmeFacts is what README.txt tells; any of it may be missing.
type readmeFacts struct {
	appName, appVersion string
	created             time.Time
}

// parseReadme reads README.txt line by line. The app name is found the way
// the app finds it (the greedy regular expression
// `^This is a (.+) backup\.`); the version and creation time are extras.
func parseReadme(text string) readmeFacts {
	var f readmeFacts
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		if rest, ok := strings.CutPrefix(line, "This is a "); ok && f.appName == "" {
			if i := strings.LastIndex(rest, " backup."); i > 0 {
				f.appName = strings.TrimSpace(rest[:i])
			}
		}
		if rest, ok := strings.CutPrefix(line, "App version: "); ok && f.appVersion == "" {
			f.appVersion = strings.TrimSpace(rest)
		}
		if rest, ok := strings.CutPrefix(line, "This backup was created on "); ok && f.created.IsZero() {
			f.created = parseDartISO8601(strings.TrimSpace(rest))
		}
	}
	return f
}

// parseDartISO8601 parses what dartISO8601 produces, or returns zero.
func parseDartISO8601(s string) time.Time {
	if strings.HasSuffix(s, "Z") {
		if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999Z", s, time.UTC); err == nil {
			return t
		}
		return time.Time{}
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.Local); err == nil {
		return t
	}
	return time.Time{}
}
