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
