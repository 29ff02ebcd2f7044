package main

import (
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
			if err := schedule.WriteStatus(e.stdout, rows, now); err != nil || len(rows) == 0 {
				return err
			}
			return schedule.Attention(rows)
		},
	}
}
