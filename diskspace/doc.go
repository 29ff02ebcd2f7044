// Package diskspace tells how much room a file system has, for the
// up-front checks that refuse to start a write that cannot finish.
package diskspace
