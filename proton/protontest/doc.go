// Package protontest runs a fake Proton Drive API server on loopback.
package protontest

import _ "github.com/rclone/go-proton-api/server"
