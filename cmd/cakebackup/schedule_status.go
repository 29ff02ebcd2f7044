package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/stdout"
	"github.com/cakebackup/cakebackup/schedule"
)

func scheduleStatusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "last run, result and next run of each job, overdue and failing ones first; exits 1 if any",
		Flags: []cli.Flag{configFlag(), jsonFlag()},
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
			switch {
			case err != nil:
				return err
			case c.Bool("json"):
				err = stdout.WriteJSON(e.stdout, schedule.Reports(rows, now))
			default:
				err = schedule.WriteStatus(e.stdout, rows, now)
			}
			if err != nil {
				return err
			}
			return schedule.Attention(rows) // exit 1 for a job to look at
		},
	}
}
