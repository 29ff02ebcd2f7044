//go:build !linux

package directio

import (
	"os"
	"testing"
)

func dropCache(*testing.T, *os.File) {}

func cachestatWorks(*os.File) bool { return false }
