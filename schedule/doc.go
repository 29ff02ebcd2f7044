// Package schedule runs cakebackup jobs unattended: it reads the jobs from
// a TOML config file, works out when each is due (a fixed interval or a
// cron expression), runs due jobs one at a time under a per-job lock,
// records each run in a small state file, prunes old backups by restic's
// keep-last/daily/weekly/monthly rules, and writes the systemd, launchd or
// schtasks entries that start it from a timer.
//
// The package never makes a backup itself: the caller passes the work as a
// RunFunc, so package runner plugs in cakebackup's pipeline (job.Make, or
// inbox for a watch job) and tests plug in real files in temporary folders.
package schedule
