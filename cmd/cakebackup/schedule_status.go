package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/schedule"
)

func scheduleStatusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "last run, result and next run of each job, overdue and failing ones first; exits 1 if any",
		Flags: []cli.Flag{configFlag(), &cli.BoolFlag{Name: "json", Usage: "print one JSON object"}},
		Action: func(c *cli.Context) error {
			_, cfg, err := e.loadGivenScheduleConfig(c)
			if err != nil {
				return err
			}
			paths, err := schedule.DefaultPaths(e.getenv)
			if err != nil {
				return err
			}
			now := time.Now()
			rows, err := schedule.LoadStatus(cfg, paths, e.log(), now)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				out := make([]schedule.JobReport, 0, len(rows))
				for _, r := range rows {
					out = append(out, r.Report(now))
				}
				if err := writeJSON(e.stdout, map[string][]schedule.JobReport{"jobs": out}); err != nil {
					return err
				}
				return schedule.Attention(rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(e.stdout, "No scheduled jobs.")
				return nil
			}
			const layout = "2006-01-02 15:04"
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB\tLAST RUN\tRESULT\tNEXT RUN\tDETAIL")
			for _, r := range rows {
				last, result := "never", "-"
				if !r.Last.LastStart.IsZero() {
					last, result = r.Last.LastStart.Local().Format(layout), r.Last.LastResult
				}
				switch {
				case r.Overdue:
					result = "OVERDUE"
				case r.Running:
					result = "running"
				case r.Interrupted:
					result = "interrupted"
				case r.Failing:
					result = strings.ToUpper(result)
				}
				next := "now"
				if !r.Next.IsZero() && r.Next.After(now) {
					next = r.Next.Local().Format(layout)
				} else if !r.Next.IsZero() && now.Sub(r.Next) > time.Hour {
					next = "overdue since " + r.Next.Local().Format(layout)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Job, last, result, next, r.Detail())
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, r := range rows {
				for _, f := range r.Failed {
					fmt.Fprintf(e.stdout, "DAMAGED backup of job %s at %s: %s (%s, checked %s); retention keeps it but never counts it as good\n",
						r.Job, f.Dest, f.Name, oneLine(f.Error), f.At.Local().Format(layout))
				}
			}
			return schedule.Attention(rows)
		},
	}
}
