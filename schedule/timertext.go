package schedule

import (
	"fmt"
	"io"
	"strings"
)

// This file holds what schedule install, uninstall and remove say of the
// timers. The lines that name a cakebackup command to run are the
// command line's: they are given, or printed around these.

// stickyWriter writes to w until a write fails, and keeps that error.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) printf(format string, a ...any) {
	if s.err == nil {
		_, s.err = fmt.Fprintf(s.w, format, a...)
	}
}

// WriteText writes what schedule install says of t: the crontab line to
// add, or the files written and the commands that enable the timer; then
// status, the command that shows the job's runs; then, for a job that
// reads its password from the environment, that the timer must see it.
// t's Warnings are the caller's to show.
func (t TimerInstall) WriteText(w io.Writer, status string) error {
	s := &stickyWriter{w: w}
	if t.Crontab != "" {
		s.printf("systemd does not run here, so no timer was written. To start the job from cron, add this line to your crontab (crontab -e):\n  %s\n", t.Crontab)
	} else {
		for _, f := range t.Files {
			s.printf("Wrote %s\n", f)
		}
		s.printf("To enable it, run:\n  %s\n", strings.ReplaceAll(t.Next, "\n", "\n  "))
	}
	s.printf("Its runs show in: %s\n", status)
	if t.Job.PasswordEnv != "" {
		s.printf("Note: the timer must see $%s; a password_file (mode 0600) or the keyring is simpler.\n", t.Job.PasswordEnv)
	}
	return s.err
}

// WriteUninstalled writes what schedule uninstall says of what Uninstall
// removed for job: each file, or that nothing was installed (unless the
// OS keeps its timers unseen), then how to stop what is still loaded.
// Where only cron starts jobs (i.Cron), install gave a crontab line, not
// a timer: it says each file removed (units written while systemd ran
// here), then to remove the crontab line, as schedule remove does.
func (i Installed) WriteUninstalled(w io.Writer, job string) error {
	s := &stickyWriter{w: w}
	if len(i.Files) == 0 && !i.Unseen && !i.Cron {
		s.printf("Nothing installed for job %s.\n", job)
	}
	for _, f := range i.Files {
		s.printf("Removed %s\n", f)
	}
	if i.Cron {
		s.printf("If you added a crontab line for it (schedule install's), remove it: crontab -e\n")
		return s.err
	}
	s.printf("To stop what is still loaded, run:\n  %s\n", i.Next)
	return s.err
}

// WriteText writes what schedule remove says of the job's timer once the
// job left its config file: the timer it removed and how to stop what is
// still loaded; else what there is to do by hand (the task scheduler's
// task, the crontab line), that there was no timer, or that the one
// installed runs a job of that name from another config file, which
// uninstall, the command that removes it, would. After an error it says
// only which files it removed.
func (r TimerRemoval) WriteText(w io.Writer, uninstall string) error {
	s := &stickyWriter{w: w}
	switch {
	case r.failed:
	case r.State == TimerUnseen:
		s.printf("If you created a scheduled task for it, delete it: schtasks /Delete /F /TN \"cakebackup %s\"\n", r.Job)
	case r.State == NoTimer && r.Cron:
		s.printf("If you added a crontab line for it (schedule install's), remove it: crontab -e\n")
	case r.State == NoTimer:
		s.printf("No timer was installed for it.\n")
	case r.State == TimerForOther:
		s.printf("The timer installed as %s runs a job %s from another config file; it was left in place (%s removes it).\n", r.File, r.Job, uninstall)
	}
	for _, f := range r.Removed.Files {
		s.printf("Removed %s\n", f)
	}
	if !r.failed && r.State == TimerForJob {
		s.printf("Its timer is uninstalled. To stop what is still loaded, run:\n  %s\n", r.Removed.Next)
	}
	return s.err
}

// WriteText writes what schedule remove says of r: that the job left its
// config file, and its backups are untouched, then what became of its
// timer (TimerRemoval.WriteText, uninstall as there); nothing when the
// config file could not be saved.
func (r JobRemoval) WriteText(w io.Writer, uninstall string) error {
	if r.Config == "" {
		return nil
	}
	if _, err := fmt.Fprintf(w, "Removed job %s from %s; its backups were not touched.\n", r.Job, r.Config); err != nil {
		return err
	}
	return r.Timer.WriteText(w, uninstall)
}
