package proton

import (
	"fmt"
	"io"
	"strings"

	"github.com/rclone/Proton-API-Bridge/common"
)

// bridgeConfig is the bridge's configuration type.
type bridgeConfig = common.Config

// bridgeLogger writes the bridge's and go-proton-api's warnings and errors
// to w, one line each, and drops debug output. Neither library logs
// tokens or passwords; their lines name API routes and link IDs.
type bridgeLogger struct{ w io.Writer }

func (l bridgeLogger) Errorf(format string, v ...any) { l.line("error", format, v...) }
func (l bridgeLogger) Warnf(format string, v ...any)  { l.line("warning", format, v...) }
func (l bridgeLogger) Debugf(string, ...any)          {}

func (l bridgeLogger) line(level, format string, v ...any) {
	if l.w == nil {
		return
	}
	msg := strings.Join(strings.Fields(fmt.Sprintf(format, v...)), " ")
	fmt.Fprintf(l.w, "proton: %s: %s\n", level, msg)
}
