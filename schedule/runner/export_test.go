package runner

import "github.com/cakebackup/cakebackup/job"

// WithTweak returns r with tweak applied to each backup it makes, before
// it is made.
func (r Runner) WithTweak(tweak func(*job.Backup)) Runner {
	r.tweakBackup = tweak
	return r
}
