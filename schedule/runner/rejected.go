package runner

import (
	"errors"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/schedule"
)

// RejectedLabel says what a file named like a job's backup that failed
// its check at pruning is (PrunePlan.Rejected's error): one that could
// not be read now ("unreadable"), a backup of the job cut short (a copy
// that did not finish: "cut short") or otherwise damaged ("damaged", as
// schedule status calls it), or no backup at all ("not a backup").
func RejectedLabel(err error) string {
	var chunk *backup.ChunkError
	var readErr *schedule.SumReadError
	var container *backup.ContainerError
	if errors.As(err, &readErr) || errors.As(err, new(*backup.ReadError)) {
		return "unreadable"
	}
	if errors.As(err, &container) && container.CutShort {
		return "cut short"
	}
	if errors.Is(err, backup.ErrBadChecksum) || errors.As(err, &chunk) {
		return "damaged"
	}
	return "not a backup"
}
