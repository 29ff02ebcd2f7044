package schedule

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteJobs writes what schedule list says of c: its default
// destination, when it has one, and a table of its jobs (JOB, WHEN,
// SOURCE, DEST, PASSWORD, KEEP), or that there are none and the command
// add that adds one.
func (c *Config) WriteJobs(w io.Writer, add string) error {
	if c.DefaultDest != "" {
		if _, err := fmt.Fprintf(w, "Default destination: %s\n", c.DefaultDest); err != nil {
			return err
		}
	}
	if len(c.Jobs) == 0 {
		_, err := fmt.Fprintf(w, "No scheduled jobs (add one with: %s)\n", add)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tWHEN\tSOURCE\tDEST\tPASSWORD\tKEEP")
	for _, j := range c.Jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.When(), j.What(), strings.Join(c.DestsFor(j), " "), j.PasswordFrom(), j.KeepSummary())
	}
	return tw.Flush()
}

// WriteText writes what schedule status says of s: a table of each job's
// last run, result, next run and detail (JobStatus.Columns and Detail),
// then a line for each stored backup that failed a check
// (JobStatus.Damaged); or that there are no jobs.
func (s Statuses) WriteText(w io.Writer) error {
	rows, now := s.Jobs, s.At
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No scheduled jobs.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tLAST RUN\tRESULT\tNEXT RUN\tDETAIL")
	for _, r := range rows {
		last, result, next := r.Columns(now)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Job, last, result, next, r.Detail())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		for _, line := range r.Damaged() {
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteSaved writes what pick says of the choice d once Save stored spec
// in the config file config: that it is the default destination, and
// that it is the job's, with the destinations it replaced (Save's
// replaced) when they were others.
func (d DestChoice) WriteSaved(w io.Writer, config, spec string, replaced []string) error {
	if d.Default {
		if _, err := fmt.Fprintf(w, "Saved %s as the default destination in %s\n", spec, config); err != nil {
			return err
		}
	}
	if d.Job == "" {
		return nil
	}
	line := fmt.Sprintf("Saved %s as the destination of job %q in %s", spec, d.Job, config)
	if len(replaced) > 0 && !slices.Equal(replaced, []string{spec}) {
		line += fmt.Sprintf(" (it was: %s)", strings.Join(replaced, " "))
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// WriteNotDue writes what a single pass of the scheduler says of the jobs
// it leaves alone because they are not due (Scheduler.NotDue): one line
// each, with when it is due and runNow(job), the command that runs it now.
func WriteNotDue(w io.Writer, waiting []Waiting, runNow func(job string) string) error {
	for _, j := range waiting {
		if _, err := fmt.Fprintf(w, "job %s is not due until %s (to run it now: %s)\n", j.Job, j.Next.Local().Format("2006-01-02 15:04"), runNow(j.Job)); err != nil {
			return err
		}
	}
	return nil
}

// WriteStoredInKeyring writes what schedule set-password says once j's
// password is in the OS keyring: that it is, and, when j reads its
// password from elsewhere, what to change in the config file config for
// j to read this one.
func (j Job) WriteStoredInKeyring(w io.Writer, config string) error {
	if _, err := fmt.Fprintf(w, "Stored the password of job %s in the OS keyring.\n", j.Name); err != nil || j.PasswordKeyring {
		return err
	}
	_, err := fmt.Fprintf(w, "Note: job %s reads its password from %s; set password_keyring = true (and remove the other source) in %s to use this one.\n",
		j.Name, j.PasswordFrom(), config)
	return err
}

// WriteAdded writes what schedule add says once j is saved in the config
// file config: that it is, the command setPassword that stores its
// password when j reads it from the OS keyring, and the command install
// that starts it from a timer.
func (j Job) WriteAdded(w io.Writer, config, setPassword, install string) error {
	s := &stickyWriter{w: w}
	s.printf("Added job %s to %s\n", j.Name, config)
	if j.PasswordKeyring {
		s.printf("Store its password with: %s\n", setPassword)
	}
	s.printf("Start it from a timer with: %s\n", install)
	return s.err
}
