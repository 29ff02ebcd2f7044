package schedule

import (
	"cmp"
	"slices"
	"time"

	"github.com/cakebackup/cakebackup/internal/process"
)

// JobStatus is one row of `schedule status`.
type JobStatus struct {
	Job  string
	Last JobState
	// Next is when the job runs next; zero means it is due now.
	Next time.Time
	// Failing is set when the last run did not succeed; a skipped run
	// (another process was doing its work) is not failing.
	Failing bool
	// Overdue is set by StatusAt when the last verified backup is older
	// than WarnAfter.
	Overdue   bool
	WarnAfter time.Duration
	// Watch is set for a watch job, whose work is looking through its
	// folder rather than making a backup.
	Watch bool
	// Failed are the job's stored backups that failed a check (by
	// retention or check_subset); set by LoadStatus.
	Failed []FailedBackup
	// Running is set while a run of the job is in progress; Interrupted
	// when the last run started was killed before it ended (its process
	// is gone, and it recorded no end). Its process is known by its id
	// and, where the system tells (Linux, macOS, Windows), when it
	// started: a new process given the id of a killed run's is not taken
	// for the run. Last is the run before it.
	Running, Interrupted bool
}

// Status returns one row per job in c, failing jobs first, then in config
// order.
func Status(c *Config, st *State) ([]JobStatus, error) {
	rows := make([]JobStatus, 0, len(c.Jobs))
	for _, j := range c.Jobs {
		t, err := j.Schedule()
		if err != nil {
			return nil, &JobError{Job: j.Name, Err: err}
		}
		last := st.Jobs[j.Name]
		row := JobStatus{
			Job:     j.Name,
			Last:    last,
			Next:    NextRun(t, last),
			Failing: last.LastResult != "" && last.LastResult != ResultOK && last.LastResult != ResultSkipped,
			Watch:   j.Watch != "",
		}
		if !last.RunningSince.IsZero() {
			if process.Same(last.RunningPID, last.RunningPIDStart) {
				row.Running = true
			} else {
				row.Interrupted = true
			}
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b JobStatus) int {
		return cmp.Compare(boolRank(a.Failing), boolRank(b.Failing))
	})
	return rows, nil
}

func boolRank(failing bool) int {
	if failing {
		return 0
	}
	return 1
}
