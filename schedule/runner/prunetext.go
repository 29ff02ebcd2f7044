package runner

import (
	"fmt"
	"io"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/schedule"
)

// WritePlans writes what schedule prune says of its plans, one line per
// backup at each destination: "keep", "deleted" ("would delete" in a
// dry run) or, for a file left alone because it did not verify, its
// RejectedLabel and why.
func WritePlans(w io.Writer, plans []schedule.PrunePlan, dryRun bool) error {
	verb := "deleted"
	if dryRun {
		verb = "would delete"
	}
	var err error // the first write's that failed
	say := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, a...)
		}
	}
	for _, plan := range plans {
		for _, d := range plan.Keep {
			say("keep          %s\n", d.Location)
		}
		for _, d := range plan.Remove {
			say("%-13s %s\n", verb, d.Location)
		}
		for _, r := range plan.Rejected {
			say("%-13s %s (%s); left alone\n", RejectedLabel(r.Err), r.Location, errloc.OneLine(r.Err.Error()))
		}
	}
	return err
}

// WriteText writes what schedule prune says of p: that the job keeps all
// its backups, or prunes them as it ships them, else its plans
// (WritePlans).
func (p Pruning) WriteText(w io.Writer) error {
	switch {
	case p.Job.Retention.Empty():
		_, err := fmt.Fprintf(w, "Job %s keeps all its backups (no keep_* rule).\n", p.Job.Name)
		return err
	case p.Job.Watch != "":
		_, err := fmt.Fprintf(w, "Job %s applies its keep_* rules to the exports it shipped each time it ships one.\n", p.Job.Name)
		return err
	}
	return WritePlans(w, p.Plans, p.DryRun)
}
