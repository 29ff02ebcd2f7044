package main

import (
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/schedule"
)

func scheduleStatusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "last run, result and next run of each job, overdue and failing ones first; exits 1 if any",
		Flags: []cli.Flag{configFlag(), jsonFlag()},
		Action: func(c *cli.Context) error {
			cfg, err := e.loadConfig(c, "schedule add", "")
			if err != nil {
				return err
			}
			now := time.Now()
			rows, err := e.runner().Status(cfg, now)
			if err != nil {
				return err
			}
			if err := e.printResult(c, schedule.Reports(rows, now), func(w io.Writer) error {
				return schedule.WriteStatus(w, rows, now)
			}); err != nil {
				return err
			}
			return schedule.Attention(rows) // exit 1 for a job to look at
		},
	}
}
