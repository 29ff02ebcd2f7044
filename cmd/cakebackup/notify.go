package main

import (
	"errors"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/notify"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
)

// alertFlags are schedule add's flags for overdue warnings and
// notifications, which set a's (each a key of the job's config table).
func alertFlags(a *schedule.Alerts) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "warn-after", Usage: "the job is overdue when its last verified backup is older than `DURATION` (default 3x the interval, at least 26h)", Destination: &a.WarnAfter},
		&cli.StringFlag{Name: "on-failure", Usage: "run shell `COMMAND` when the job starts failing (the result in CAKEBACKUP_* variables)", Destination: &a.OnFailure},
		&cli.StringFlag{Name: "on-success", Usage: "run shell `COMMAND` after every successful run", Destination: &a.OnSuccess},
		&cli.StringFlag{Name: "on-overdue", Usage: "run shell `COMMAND` when the job turns overdue", Destination: &a.OnOverdue},
		&cli.StringFlag{Name: "ping-url", Usage: "ping `URL` in the style of Healthchecks.io: URL/start, URL, URL/fail", Destination: &a.PingURL},
		&cli.StringFlag{Name: "webhook", Usage: "POST a JSON event to `URL` when the job fails, turns overdue or works again", Destination: &a.Webhook},
		&cli.BoolFlag{Name: "notify-desktop", Usage: "show a desktop notification when the job fails, turns overdue or works again", Destination: &a.NotifyDesktop},
	}
}

// desktop is the desktop notifier: the session bus of this environment.
func (e *env) desktop() notify.Notifier {
	return notify.Desktop{GOOS: runtime.GOOS, Bus: e.getenv("DBUS_SESSION_BUS_ADDRESS")}
}

// fixFor says what the person should do about a scheduled run's error,
// for notifications; "" when there is nothing particular to say.
func fixFor(_ schedule.Job, err error) string {
	noDrive, unplugged := errors.AsType[*local.NoDriveError](err)
	switch {
	case errors.Is(err, proton.ErrSessionExpired), errors.Is(err, proton.ErrNotLoggedIn), errors.Is(err, proton.ErrKeysLocked):
		return "run `cakebackup proton login`"
	case unplugged:
		return "plug in " + noDrive.Stick()
	case errors.Is(err, inbox.ErrBusy):
		return "only one `cakebackup watch` or watch job at a time ships from a folder: stop the other"
	}
	return ""
}

func notifyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "notify",
		Usage: "check the notifications of scheduled jobs",
		Subcommands: []*cli.Command{e.jobCommand(&cli.Command{
			Name:  "test",
			Usage: "send a test notification through each of a job's channels (ping, webhook, desktop, hooks)",
		}, func(c *cli.Context, cfg *schedule.Config, job schedule.Job) error {
			err := cfg.SendTestAlerts(c.Context, job, e.desktop(), e.stdout, time.Now())
			if errors.As(err, new(*schedule.NoAlertsError)) {
				return usageError(err)
			}
			return err
		})},
	}
}
