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
		Flags: []cli.Flag{configFlag(), jsonFlag()},
		Action: func(c *cli.Context) error {
			cfg, err := e.loadConfig(c, "schedule add", "")
			if err != nil {
				return err
			}
			st, err := e.runner().Status(cfg, time.Now())
			if err != nil {
				return err
			}
			if err := e.printResult(c, st, st.WriteText); err != nil {
				return err
			}
			return schedule.Attention(st.Jobs) // exit 1 for a job to look at
		},
	}
}
