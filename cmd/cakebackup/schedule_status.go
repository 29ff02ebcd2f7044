package main

import (
	"fmt"
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
			cfg, err := e.loadGivenScheduleConfig(c)
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
				if err := writeJSON(e.stdout, schedule.Reports(rows, now)); err != nil {
					return err
				}
				return schedule.Attention(rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(e.stdout, "No scheduled jobs.")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
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
					fmt.Fprintln(e.stdout, line)
				}
			}
			return schedule.Attention(rows)
		},
	}
}
